import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser } from '../../helpers/factories'
import {
  auditOf,
  transitionsOf,
  booking,
  confirm,
  datesFree,
  frontend,
  getPayment,
  getRental,
  initiate,
  initiateAndPay,
  intentsOfPayment,
  postWebhook,
  RETURN_URL,
  webhooksAbout,
} from '../../helpers/payments'
import { authenticate, settle } from '../../helpers/stripe-emulator'

const pay = (intentId: string, paymentMethod: string) =>
  frontend.paymentIntents
    .confirm(intentId, { payment_method: paymentMethod, return_url: RETURN_URL })
    .catch(() => undefined)

const completions = async (paymentId: string) =>
  (await auditOf(paymentId)).filter((entry) => entry.to_status === 'completed')

describe('POST /api/payments/{rental_id}/confirm', () => {
  it('completes the payment, activates the rental and locks the dates, in one step', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    const res = await confirm(b, intentId)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id: paymentId,
      status: 'completed',
      rental_id: b.rentalId,
      amount: b.amount,
    })
    expect(res.body.stripe_charge_id).toMatch(/^ch_/)
    expect(res.body.completed_at).toBeTruthy()
    expect((await getRental(b)).body.status).toBe('active')
    expect(await datesFree(b)).toBe(false)
    expect(await completions(paymentId)).toEqual([
      { from_status: 'pending', to_status: 'completed', source: 'api', detail: null },
    ])
  })

  it('called again, answers the same completed payment (200) and changes nothing', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    const first = await confirm(b, intentId)
    const second = await confirm(b, intentId)
    expect(second.status).toBe(200)
    expect(second.body).toEqual(first.body)
    expect(await completions(paymentId)).toHaveLength(1)
  })

  it('needs a token, and a PaymentIntent id in the body', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    const path = `/api/payments/${b.rentalId}/confirm`
    expectProblem(
      await api('POST', path, { body: { stripe_payment_intent_id: intentId } }),
      401,
      'unauthorized',
    )
    expectProblem(await api('POST', path, { token: b.renter.token, body: {} }), 400, 'validation_failed')
    expectProblem(await confirm(b, 'ch_notanintent'), 400, 'validation_failed')
    expectProblem(
      await api('POST', path, { token: b.renter.token, body: '{"stripe_payment' }),
      400,
      'invalid_json',
    )
    expect((await getPayment(b)).body.status).toBe('pending')
  })

  it("is the renter's: the owner gets 403 not_renter, anyone else 404 rental_not_found", async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    expectProblem(await confirm(b, intentId, b.owner.token), 403, 'not_renter')
    expectProblem(await confirm(b, intentId, (await createUser()).token), 404, 'rental_not_found')
    expect((await getPayment(b)).body.status).toBe('pending')
    expect((await getRental(b)).body.status).toBe('pending')
  })

  it('404 payment_not_found when nothing was initiated', async () => {
    const b = await booking()
    expectProblem(await confirm(b, 'pi_neverinitiated'), 404, 'payment_not_found')
  })

  it("409 payment_intent_mismatch for another rental's PaymentIntent, even a paid one", async () => {
    const mine = await booking()
    await initiate(mine)
    const other = await booking()
    const { intentId: othersIntent } = await initiateAndPay(other)
    expectProblem(await confirm(mine, othersIntent), 409, 'payment_intent_mismatch')
    expect((await getPayment(mine)).body.status).toBe('pending')
    expect((await getRental(mine)).body.status).toBe('pending')
  })

  it('409 payment_intent_mismatch when the intent was changed at Stripe to another amount', async () => {
    const b = await booking()
    const started = await initiate(b)
    await frontend.paymentIntents.update(started.body.payment_intent_id, { amount: 100 })
    await pay(started.body.payment_intent_id, 'pm_card_visa')
    expectProblem(await confirm(b, started.body.payment_intent_id), 409, 'payment_intent_mismatch')
    expect((await getPayment(b)).body.status).toBe('pending')
    expect((await getRental(b)).body.status).toBe('pending')
  })
})

describe('confirm with a declined card', () => {
  it('402 payment_failed with the decline code; a new initiate starts attempt 2 with a new intent that can succeed', async () => {
    const b = await booking()
    const first = await initiateAndPay(b, 'pm_card_chargeDeclined')
    const declined = await confirm(b, first.intentId)
    expect(expectProblem(declined, 402, 'payment_failed')).toMatchObject({
      decline_code: 'generic_decline',
      payment_status: 'failed',
    })
    expect((await getPayment(b)).body).toMatchObject({
      status: 'failed',
      failure_code: 'generic_decline',
      attempt: 1,
    })
    expect((await getRental(b)).body.status).toBe('pending')

    const second = await initiateAndPay(b)
    expect(second.paymentId).toBe(first.paymentId)
    expect(second.intentId).not.toBe(first.intentId)
    expect(second.clientSecret).not.toBe(first.clientSecret)
    expect((await frontend.paymentIntents.retrieve(first.intentId)).status).toBe('canceled')
    // The first intent can no longer be used to confirm this rental.
    expectProblem(await confirm(b, first.intentId), 409, 'payment_intent_mismatch')
    const paid = await confirm(b, second.intentId)
    expect(paid.status).toBe(200)
    expect(paid.body).toMatchObject({
      status: 'completed',
      attempt: 2,
      stripe_payment_intent_id: second.intentId,
      failure_code: null,
    })
    expect((await getRental(b)).body.status).toBe('active')
  })

  it("the 402 body is RFC 9457: status is the HTTP status (402); the payment's own status is payment_status", async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b, 'pm_card_chargeDeclined')
    const declined = await confirm(b, intentId)
    expect(declined.status).toBe(402)
    expect(declined.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(declined.body.status).toBe(402)
    expect(declined.body).toMatchObject({
      type: 'https://backline.dev/problems/payment-failed',
      title: 'Payment Required',
      code: 'payment_failed',
      payment_id: paymentId,
      payment_status: 'failed',
      decline_code: 'generic_decline',
    })
    expect(declined.body.request_id).toBe(declined.headers.get('x-request-id'))
  })

  it('two initiates at once after a decline start one new attempt with one new intent', async () => {
    const b = await booking()
    const first = await initiateAndPay(b, 'pm_card_chargeDeclined')
    expectProblem(await confirm(b, first.intentId), 402, 'payment_failed')
    const answers = await Promise.all([initiate(b), initiate(b), initiate(b)])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200])
    expect(new Set(answers.map((answer) => answer.body.payment_intent_id)).size).toBe(1)
    const intents = await intentsOfPayment(first.paymentId)
    expect(intents.map((intent) => [intent.metadata.attempt, intent.status]).sort()).toEqual([
      ['1', 'canceled'],
      ['2', 'requires_payment_method'],
    ])
    expect((await getPayment(b)).body).toMatchObject({ status: 'pending', attempt: 2 })
  })

  it('a declined intent the customer then paid with another card is applied, not replaced by a second charge', async () => {
    const b = await booking()
    const first = await initiateAndPay(b, 'pm_card_chargeDeclined')
    expectProblem(await confirm(b, first.intentId), 402, 'payment_failed')
    // Stripe.js lets the customer retry the same intent; the frontend then calls initiate instead of confirm.
    await pay(first.intentId, 'pm_card_visa')
    expectProblem(await initiate(b), 409, 'payment_already_completed')
    expect((await getPayment(b)).body).toMatchObject({
      status: 'completed',
      attempt: 1,
      stripe_payment_intent_id: first.intentId,
    })
    expect((await getRental(b)).body.status).toBe('active')
    expect(await intentsOfPayment(first.paymentId)).toHaveLength(1)
  })

  it('reports insufficient_funds as the decline code', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_card_chargeDeclinedInsufficientFunds')
    const declined = await confirm(b, intentId)
    expect(expectProblem(declined, 402, 'payment_failed')).toMatchObject({
      decline_code: 'insufficient_funds',
    })
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds' })
  })
})

describe('confirm on the 3-D Secure path', () => {
  it('202 requires_action until the customer authenticates, then 200', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_card_authenticationRequired')
    const waiting = await confirm(b, intentId)
    expect(waiting.status).toBe(202)
    expect(waiting.body).toMatchObject({ status: 'pending', payment_intent_status: 'requires_action' })
    expect((await getRental(b)).body.status).toBe('pending')

    await authenticate(intentId, 'succeed')
    const paid = await confirm(b, intentId)
    expect(paid.status).toBe(200)
    expect(paid.body.status).toBe('completed')
    expect((await getRental(b)).body.status).toBe('active')
  })

  it('a failed authentication is a 402 payment_failed, and the renter can start again', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_card_authenticationRequired')
    await authenticate(intentId, 'fail')
    const failed = await confirm(b, intentId)
    expect(expectProblem(failed, 402, 'payment_failed')).toMatchObject({
      decline_code: 'payment_intent_authentication_failure',
    })
    expect((await getPayment(b)).body.status).toBe('failed')
    const retry = await initiateAndPay(b)
    expect((await confirm(b, retry.intentId)).status).toBe(200)
  })

  it('202 processing while the payment is processing, then 200 once it settles', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_emulator_processing')
    const processing = await confirm(b, intentId)
    expect(processing.status).toBe(202)
    expect(processing.body).toMatchObject({ status: 'processing', payment_intent_status: 'processing' })
    await settle(intentId, 'succeed')
    expect((await confirm(b, intentId)).body.status).toBe('completed')
  })
})

describe('confirm racing', () => {
  it('confirm and the payment_intent.succeeded webhook at once: exactly one transition', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    const [succeeded] = await webhooksAbout(intentId, 'payment_intent.succeeded')
    const [confirmed, webhook] = await Promise.all([
      confirm(b, intentId),
      postWebhook(succeeded!.payload, succeeded!.signature),
    ])
    expect(confirmed.status).toBe(200)
    expect(confirmed.body.status).toBe('completed')
    expect(webhook.status).toBe(200)
    expect(await completions(paymentId)).toHaveLength(1)
    expect((await transitionsOf(paymentId))[0]).toMatchObject({
      from_status: 'pending',
      to_status: 'completed',
    })
    expect((await auditOf(b.rentalId)).filter((entry) => entry.to_status === 'active')).toHaveLength(1)
    expect((await getRental(b)).body.status).toBe('active')
  })

  it('two confirms at once: both 200, one transition', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    const answers = await Promise.all([confirm(b, intentId), confirm(b, intentId), confirm(b, intentId)])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200])
    expect(await completions(paymentId)).toHaveLength(1)
    expect((await auditOf(b.rentalId)).filter((entry) => entry.to_status === 'active')).toHaveLength(1)
  })
})
