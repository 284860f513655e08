import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser } from '../../helpers/factories'
import {
  booking,
  datesFree,
  deliverAbout,
  frontend,
  getPayment,
  getRental,
  initiate,
  paidBooking,
} from '../../helpers/payments'
import { clearFaults, injectFault } from '../../helpers/stripe-emulator'

afterEach(async () => {
  await clearFaults()
})

const refund = (paymentId: string, token: string | undefined, body?: unknown) =>
  api('POST', `/api/payments/${paymentId}/refund`, { token, body })

/** What Stripe holds for an intent: its charge's amount_refunded and its refunds. */
async function atStripe(intentId: string) {
  const intent = await frontend.paymentIntents.retrieve(intentId)
  const charge = await frontend.charges.retrieve(intent.latest_charge as string)
  const refunds = await frontend.refunds.list({ payment_intent: intentId, limit: 100 })
  return {
    amountRefunded: charge.amount_refunded,
    refunds: refunds.data.map((r) => ({ amount: r.amount, status: r.status })),
  }
}

describe('POST /api/payments/{payment_id}/refund', () => {
  it('a partial then a full refund: partially_refunded, then refunded with the rental cancelled and its dates free', async () => {
    const b = await paidBooking()
    const partial = await refund(b.paymentId, b.owner.token, {
      amount: 1_000,
      reason: 'requested_by_customer',
    })
    expect(partial.status).toBe(200)
    expect(partial.body.payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })
    expect(partial.body.payment.refunded_at).toBeTruthy()
    expect(partial.body.refund).toMatchObject({
      amount: 1_000,
      status: 'succeeded',
      reason: 'requested_by_customer',
    })
    expect(partial.body.refund.stripe_refund_id).toMatch(/^re_/)
    expect((await getRental(b)).body.status).toBe('active')
    expect(await datesFree(b)).toBe(false)

    // The rest, with no body at all but a JSON content type (as many HTTP clients send it).
    const rest = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: b.owner.token,
      headers: { 'content-type': 'application/json', 'content-length': '0' },
    })
    expect(rest.status).toBe(200)
    expect(rest.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect(rest.body.refund).toMatchObject({ amount: b.amount - 1_000, status: 'succeeded' })
    expect((await getRental(b)).body.status).toBe('cancelled')
    expect(await datesFree(b)).toBe(true)
    expect((await getPayment(b)).body.refunds.map((r: { amount: number }) => r.amount)).toEqual([
      1_000,
      b.amount - 1_000,
    ])
    expect((await atStripe(b.intentId)).amountRefunded).toBe(b.amount)
  })

  it('an admin may refund; an empty body refunds everything', async () => {
    const b = await paidBooking()
    const admin = await createUser({ role: 'admin' })
    const res = await refund(b.paymentId, admin.token)
    expect(res.status).toBe(200)
    expect(res.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
  })

  it('needs a token; the renter gets 403 not_owner, anyone else 404 payment_not_found', async () => {
    const b = await paidBooking()
    expectProblem(await refund(b.paymentId, undefined, { amount: 100 }), 401, 'unauthorized')
    expectProblem(await refund(b.paymentId, b.renter.token, { amount: 100 }), 403, 'not_owner')
    expectProblem(
      await refund(b.paymentId, (await createUser()).token, { amount: 100 }),
      404,
      'payment_not_found',
    )
    expectProblem(await refund('pay_doesnotexist', b.owner.token), 404, 'payment_not_found')
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0, refunds: [] })
  })

  it('400 for a malformed id or body, never a 500', async () => {
    const b = await paidBooking()
    expectProblem(await refund(b.rentalId, b.owner.token), 400, 'validation_failed')
    for (const body of [
      { amount: 0 },
      { amount: -5 },
      { amount: 1.5 },
      { amount: '100' },
      { reason: 'because' },
    ]) {
      expectProblem(await refund(b.paymentId, b.owner.token, body), 400, 'validation_failed')
    }
    expectProblem(await refund(b.paymentId, b.owner.token, '{"amount":'), 400, 'invalid_json')
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0, refunds: [] })
  })

  it('422 refund_exceeds_remaining above what remains, before and after a partial refund', async () => {
    const b = await paidBooking()
    const tooMuch = expectProblem(
      await refund(b.paymentId, b.owner.token, { amount: b.amount + 1 }),
      422,
      'refund_exceeds_remaining',
    )
    expect(tooMuch.errors?.[0]?.path).toBe('body.amount')
    expect((await refund(b.paymentId, b.owner.token, { amount: 5_000 })).status).toBe(200)
    expectProblem(
      await refund(b.paymentId, b.owner.token, { amount: b.amount - 5_000 + 1 }),
      422,
      'refund_exceeds_remaining',
    )
    expect((await getPayment(b)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 5_000 })
    expect((await atStripe(b.intentId)).amountRefunded).toBe(5_000)
  })

  it('409 payment_not_refundable for a payment that is not completed, or already refunded in full', async () => {
    const pending = await booking()
    const started = await initiate(pending)
    expectProblem(await refund(started.body.payment_id, pending.owner.token), 409, 'payment_not_refundable')

    const b = await paidBooking()
    expect((await refund(b.paymentId, b.owner.token)).status).toBe(200)
    expectProblem(await refund(b.paymentId, b.owner.token, { amount: 1 }), 409, 'payment_not_refundable')
    expect((await atStripe(b.intentId)).amountRefunded).toBe(b.amount)
  })

  it('concurrent refunds never exceed the amount', async () => {
    const b = await paidBooking()
    const answers = await Promise.all(
      [1, 2, 3].map(() => refund(b.paymentId, b.owner.token, { amount: 3_000 })),
    )
    const statuses = answers.map((answer) => answer.status).sort()
    expect(statuses).toEqual([200, 200, 422])
    expect((await getPayment(b)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 6_000 })
    expect((await atStripe(b.intentId)).amountRefunded).toBe(6_000)
  })
})

describe('refund when Stripe fails', () => {
  const outage = { kind: 'error_500', count: 3, method: 'POST', path_prefix: '/v1/refunds' } as const

  it('an outage answers 503 and changes nothing; the retry refunds exactly once', async () => {
    const b = await paidBooking()
    await injectFault(outage)
    expectProblem(await refund(b.paymentId, b.owner.token), 503, 'stripe_unavailable')
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect((await getRental(b)).body.status).toBe('active')
    expect((await atStripe(b.intentId)).refunds).toEqual([])

    await clearFaults()
    const retried = await refund(b.paymentId, b.owner.token)
    expect(retried.status).toBe(200)
    expect(retried.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect(await atStripe(b.intentId)).toEqual({
      amountRefunded: b.amount,
      refunds: [{ amount: b.amount, status: 'succeeded' }],
    })
    expect((await getPayment(b)).body.refunds).toHaveLength(1)
  })

  it('a lost response (Stripe refunded, the answer never came): the retry does not refund twice', async () => {
    const b = await paidBooking()
    await injectFault({ ...outage, after: true })
    expectProblem(await refund(b.paymentId, b.owner.token, { amount: 2_000 }), 503, 'stripe_unavailable')
    await clearFaults()
    const retried = await refund(b.paymentId, b.owner.token, { amount: 2_000 })
    expect(retried.status).toBe(200)
    expect(retried.body.payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 2_000 })
    expect(await atStripe(b.intentId)).toEqual({
      amountRefunded: 2_000,
      refunds: [{ amount: 2_000, status: 'succeeded' }],
    })
  })

  it("a lost response whose refund Stripe's webhook settled before the retry: the retry still refunds once", async () => {
    const b = await paidBooking()
    await deliverAbout(b.intentId)
    await injectFault({ ...outage, after: true })
    expectProblem(await refund(b.paymentId, b.owner.token, { amount: 2_000 }), 503, 'stripe_unavailable')
    await clearFaults()
    expect(await deliverAbout(b.intentId)).toContain('refund.created:applied')
    expect((await getPayment(b)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 2_000 })
    const retried = await refund(b.paymentId, b.owner.token, { amount: 2_000 })
    expect(retried.status).toBe(200)
    expect(retried.body.payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 2_000 })
    expect(retried.body.refund.stripe_refund_id).toMatch(/^re_/)
    expect(await atStripe(b.intentId)).toEqual({
      amountRefunded: 2_000,
      refunds: [{ amount: 2_000, status: 'succeeded' }],
    })
    // A later request for another amount is a new refund.
    expect((await refund(b.paymentId, b.owner.token, { amount: 500 })).body.payment.amount_refunded).toBe(
      2_500,
    )
    expect((await atStripe(b.intentId)).amountRefunded).toBe(2_500)
  })

  it('a full refund whose answer was lost and whose webhook came first: the retry answers 200, refunded once', async () => {
    const b = await paidBooking()
    await deliverAbout(b.intentId)
    await injectFault({ ...outage, after: true })
    expectProblem(await refund(b.paymentId, b.owner.token), 503, 'stripe_unavailable')
    await clearFaults()
    await deliverAbout(b.intentId)
    expect((await getRental(b)).body.status).toBe('cancelled')
    const retried = await refund(b.paymentId, b.owner.token)
    expect(retried.status).toBe(200)
    expect(retried.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect((await atStripe(b.intentId)).amountRefunded).toBe(b.amount)
    expectProblem(await refund(b.paymentId, b.owner.token), 409, 'payment_not_refundable')
  })

  it('a retry after an outage with another amount is refused while the first is unsent (409 refund_in_progress)', async () => {
    const b = await paidBooking()
    await injectFault(outage)
    expectProblem(await refund(b.paymentId, b.owner.token, { amount: 1_000 }), 503, 'stripe_unavailable')
    await clearFaults()
    expectProblem(await refund(b.paymentId, b.owner.token, { amount: 2_000 }), 409, 'refund_in_progress')
    expect((await refund(b.paymentId, b.owner.token, { amount: 1_000 })).status).toBe(200)
    expect((await atStripe(b.intentId)).amountRefunded).toBe(1_000)
  })

  it('a 429 from Stripe answers 503 with Retry-After', async () => {
    const b = await paidBooking()
    await injectFault({ kind: 'rate_limit_429', count: 3, method: 'POST', path_prefix: '/v1/refunds' })
    const limited = await refund(b.paymentId, b.owner.token)
    expectProblem(limited, 503, 'stripe_unavailable')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    const rows = await env.DB.prepare('SELECT status FROM payments WHERE id = ?').bind(b.paymentId).first()
    expect(rows).toEqual({ status: 'completed' })
  })
})
