import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser } from '../../helpers/factories'
import {
  booking,
  confirm,
  frontend,
  getPayment,
  initiate,
  initiateAndPay,
  intentsOfPayment,
} from '../../helpers/payments'
import { clearFaults, injectFault } from '../../helpers/stripe-emulator'

afterEach(async () => {
  await clearFaults()
})

const paymentRowsOf = async (rentalId: string) =>
  (await env.DB.prepare('SELECT * FROM payments WHERE rental_id = ?').bind(rentalId).all()).results

describe('POST /api/payments/{rental_id}/initiate', () => {
  it('creates a pending payment and a PaymentIntent for the amount the server computed', async () => {
    const b = await booking({ dailyRate: 4_000, days: 2 })
    const res = await initiate(b)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      amount: 8_000,
      currency: 'usd',
      status: 'pending',
      stripe_public_key: 'pk_test_emulator',
    })
    expect(res.body.payment_id).toMatch(/^pay_/)
    const intent = await frontend.paymentIntents.retrieve(res.body.payment_intent_id)
    expect(intent).toMatchObject({ amount: 8_000, currency: 'usd', client_secret: res.body.client_secret })
    expect(intent.metadata).toMatchObject({
      rental_id: b.rentalId,
      payment_id: res.body.payment_id,
      attempt: '1',
    })
    expect((await getPayment(b)).body).toMatchObject({
      status: 'pending',
      stripe_payment_intent_id: intent.id,
      attempt: 1,
    })
  })

  it('returns the same payment, intent and client secret when called twice', async () => {
    const b = await booking()
    const first = await initiate(b)
    const second = await initiate(b)
    expect(second.status).toBe(200)
    expect(second.body).toEqual(first.body)
    expect(await intentsOfPayment(first.body.payment_id)).toHaveLength(1)
  })

  it('two concurrent initiates make one payment row and one PaymentIntent', async () => {
    const b = await booking()
    const answers = await Promise.all([initiate(b), initiate(b), initiate(b)])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200])
    expect(new Set(answers.map((answer) => answer.body.payment_intent_id)).size).toBe(1)
    expect(new Set(answers.map((answer) => answer.body.client_secret)).size).toBe(1)
    expect(await paymentRowsOf(b.rentalId)).toHaveLength(1)
    expect(await intentsOfPayment(answers[0]!.body.payment_id)).toHaveLength(1)
  })

  it('needs a token', async () => {
    const b = await booking()
    expectProblem(await api('POST', `/api/payments/${b.rentalId}/initiate`), 401, 'unauthorized')
    expect(await paymentRowsOf(b.rentalId)).toHaveLength(0)
  })

  it("is the renter's: the owner and admins get 403 not_renter, anyone else 404 rental_not_found", async () => {
    const b = await booking()
    expectProblem(await initiate(b, b.owner.token), 403, 'not_renter')
    expectProblem(await initiate(b, (await createUser()).token), 404, 'rental_not_found')
    expectProblem(await initiate(b, (await createUser({ role: 'admin' })).token), 403, 'not_renter')
    expect(await paymentRowsOf(b.rentalId)).toHaveLength(0)
  })

  it('404 for an unknown rental, 400 for a malformed id', async () => {
    const { token } = await createUser()
    expectProblem(
      await api('POST', '/api/payments/rnt_doesnotexist/initiate', { token }),
      404,
      'rental_not_found',
    )
    expectProblem(await api('POST', '/api/payments/pay_abc/initiate', { token }), 400, 'validation_failed')
  })

  it('409 rental_not_payable once the rental is paid or cancelled', async () => {
    const paid = await booking()
    const { intentId } = await initiateAndPay(paid)
    expect((await confirm(paid, intentId)).status).toBe(200)
    expectProblem(await initiate(paid), 409, 'rental_not_payable')

    const cancelled = await booking()
    expect(
      (await api('POST', `/api/rentals/${cancelled.rentalId}/cancel`, { token: cancelled.renter.token }))
        .status,
    ).toBe(200)
    expectProblem(await initiate(cancelled), 409, 'rental_not_payable')
  })

  it('409 rental_hold_expired once the hold on the dates has run out', async () => {
    const b = await booking()
    const past = new Date(Date.now() - 60_000).toISOString()
    await env.DB.prepare('UPDATE rentals SET hold_expires_at = ? WHERE id = ?').bind(past, b.rentalId).run()
    expectProblem(await initiate(b), 409, 'rental_hold_expired')
    expect(await paymentRowsOf(b.rentalId)).toHaveLength(0)
  })
})

describe('initiate when Stripe fails', () => {
  // The SDK tries 1 + STRIPE_MAX_RETRIES (2) times: three faults exhaust it.
  const outage = { kind: 'error_500', count: 3, method: 'POST', path_prefix: '/v1/payment_intents' } as const

  it('an outage answers 503 stripe_unavailable with no intent stored; the retry makes exactly one intent', async () => {
    const b = await booking()
    await injectFault(outage)
    const failed = await initiate(b)
    expectProblem(failed, 503, 'stripe_unavailable')
    expect(failed.headers.get('retry-after')).toBeTruthy()
    const [row] = await paymentRowsOf(b.rentalId)
    expect(row).toMatchObject({ status: 'pending', stripe_payment_intent_id: null })

    await clearFaults()
    const retried = await initiate(b)
    expect(retried.status).toBe(200)
    expect(retried.body.payment_id).toBe(row!.id)
    const intents = await intentsOfPayment(retried.body.payment_id)
    expect(intents.map((intent) => intent.id)).toEqual([retried.body.payment_intent_id])
  })

  it('a lost response (Stripe made the intent, the answer never came) does not make a second intent', async () => {
    const b = await booking()
    await injectFault({ ...outage, after: true })
    expectProblem(await initiate(b), 503, 'stripe_unavailable')
    await clearFaults()
    const retried = await initiate(b)
    expect(retried.status).toBe(200)
    const intents = await intentsOfPayment(retried.body.payment_id)
    expect(intents.map((intent) => intent.id)).toEqual([retried.body.payment_intent_id])
  })

  it('a 429 from Stripe answers 503 with Retry-After', async () => {
    const b = await booking()
    await injectFault({
      kind: 'rate_limit_429',
      count: 3,
      method: 'POST',
      path_prefix: '/v1/payment_intents',
    })
    const limited = await initiate(b)
    expectProblem(limited, 503, 'stripe_unavailable')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    await clearFaults()
    expect((await initiate(b)).status).toBe(200)
  })
})

describe('the platform fee', () => {
  it('is stored with the payment for a zero-decimal currency (jpy), rounded half up', async () => {
    // ¥335 × 3 days = ¥1,005; 10% = 100.5 → ¥101 to the platform, ¥904 to the owner.
    const b = await booking({ dailyRate: 335, currency: 'jpy', days: 3 })
    const started = await initiate(b)
    expect(started.body).toMatchObject({ amount: 1_005, currency: 'jpy' })
    expect((await getPayment(b)).body).toMatchObject({
      amount: 1_005,
      platform_fee: 101,
      owner_payout_amount: 904,
    })
    const intent = await frontend.paymentIntents.retrieve(started.body.payment_intent_id)
    expect(intent).toMatchObject({ amount: 1_005, currency: 'jpy' })
  })

  it.each([
    [2_999, 300, 2_699],
    [2_994, 299, 2_695],
    [2_995, 300, 2_695],
  ])('rounds 10%% of %i cents to a fee of %i (payout %i)', async (rate, fee, payout) => {
    const b = await booking({ dailyRate: rate, days: 1 })
    expect((await initiate(b)).status).toBe(200)
    expect((await getPayment(b)).body).toMatchObject({
      amount: rate,
      platform_fee: fee,
      owner_payout_amount: payout,
    })
  })
})
