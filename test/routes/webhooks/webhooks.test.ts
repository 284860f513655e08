import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import {
  auditOf,
  transitionsOf,
  booking,
  deliver,
  deliverAbout,
  frontend,
  getPayment,
  getRental,
  initiate,
  initiateAndPay,
  postWebhook,
  RETURN_URL,
  webhooksAbout,
} from '../../helpers/payments'
import { authenticate, settle } from '../../helpers/stripe-emulator'

const SECRET = 'whsec_test_backline_emulator'

const postSigned = (payload: string, headers: Record<string, string>) =>
  api('POST', '/api/webhooks/stripe', { body: payload, headers })

const eventRecorded = async (eventId: string) =>
  (await env.DB.prepare('SELECT id FROM stripe_events WHERE id = ?').bind(eventId).first()) !== null

const paymentMoves = async (paymentId: string) =>
  (await transitionsOf(paymentId)).map((entry) => `${entry.from_status}>${entry.to_status}:${entry.source}`)

/** The one pending delivery of `type` about `objectId`. */
async function deliveryOf(objectId: string, type: string) {
  const [delivery, ...more] = await webhooksAbout(objectId, type)
  if (!delivery || more.length)
    throw new Error(`expected one ${type} for ${objectId}, got ${more.length + (delivery ? 1 : 0)}`)
  return delivery
}

describe('POST /api/webhooks/stripe: signatures', () => {
  it('400 invalid_signature for a missing, wrong, expired or mangled signature, or a tampered body; nothing changes', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    const { payload, signature } = await deliveryOf(intentId, 'payment_intent.succeeded')
    const eventId: string = JSON.parse(payload).id
    const sign = (body: string, secret = SECRET, timestamp?: number) =>
      frontend.webhooks.generateTestHeaderStringAsync({ payload: body, secret, timestamp })
    const tampered = payload.replace(/"amount": ?\d+/, '"amount": 1')
    expect(tampered).not.toBe(payload)
    const attempts: Record<string, string>[] = [
      {},
      { 'stripe-signature': '' },
      { 'stripe-signature': 'garbage' },
      { 'stripe-signature': await sign(payload, 'whsec_someone_else') },
      { 'stripe-signature': await sign(payload, SECRET, Math.floor(Date.now() / 1000) - 3_600) },
    ]
    for (const headers of attempts)
      expectProblem(await postSigned(payload, headers), 400, 'invalid_signature')
    expectProblem(await postSigned(tampered, { 'stripe-signature': signature }), 400, 'invalid_signature')
    for (const junk of [
      'not json',
      '{}',
      'null',
      '[]',
      '"evt"',
      '{"id":"evt_1","type":"payment_intent.succeeded"}',
    ]) {
      // Signed with the right secret, but not a Stripe event: refused, never a 500.
      expectProblem(
        await postSigned(junk, { 'stripe-signature': await sign(junk) }),
        400,
        'invalid_signature',
      )
    }

    expect(await eventRecorded(eventId)).toBe(false)
    expect((await getPayment(b)).body.status).toBe('pending')
    expect(await transitionsOf(paymentId)).toEqual([])
    // The genuine delivery still applies afterwards.
    expect((await postSigned(payload, { 'stripe-signature': signature })).body).toEqual({
      received: true,
      outcome: 'applied',
    })
    expect((await getPayment(b)).body.status).toBe('completed')
  })
})

describe('POST /api/webhooks/stripe: PaymentIntent events', () => {
  it('payment_intent.succeeded completes the payment and activates the rental', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    expect(await deliverAbout(intentId, 'payment_intent.succeeded')).toEqual([
      'payment_intent.succeeded:applied',
    ])
    const payment = (await getPayment(b)).body
    expect(payment).toMatchObject({ status: 'completed', stripe_payment_intent_id: intentId })
    expect(payment.stripe_charge_id).toMatch(/^ch_/)
    expect(payment.completed_at).toBeTruthy()
    expect((await getRental(b)).body.status).toBe('active')
    expect(await paymentMoves(paymentId)).toEqual(['pending>completed:webhook'])
    // Every other event about the intent (created, charge.succeeded, …) is harmless.
    expect(
      (await deliverAbout(intentId)).every((outcome) => /:(applied|ignored|duplicate)$/.test(outcome)),
    ).toBe(true)
    expect(await paymentMoves(paymentId)).toEqual(['pending>completed:webhook'])
  })

  it('payment_intent.processing, then .succeeded once it settles', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b, 'pm_emulator_processing')
    await deliverAbout(intentId, 'payment_intent.processing')
    expect((await getPayment(b)).body.status).toBe('processing')
    await settle(intentId, 'succeed')
    await deliverAbout(intentId, 'payment_intent.succeeded')
    expect((await getPayment(b)).body.status).toBe('completed')
    expect(await paymentMoves(paymentId)).toEqual([
      'pending>processing:webhook',
      'processing>completed:webhook',
    ])
  })

  it('payment_intent.payment_failed marks the payment failed with the decline code; the rental waits', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_card_chargeDeclined')
    expect(await deliverAbout(intentId, 'payment_intent.payment_failed')).toEqual([
      'payment_intent.payment_failed:applied',
    ])
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'generic_decline' })
    expect((await getRental(b)).body.status).toBe('pending')
  })

  it('a processing payment that fails to settle becomes failed', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_emulator_processing')
    await settle(intentId, 'fail')
    await deliverAbout(intentId)
    expect((await getPayment(b)).body.status).toBe('failed')
  })

  it('payment_intent.canceled fails the payment; a new initiate starts another attempt', async () => {
    const b = await booking()
    const started = await initiate(b)
    const intentId: string = started.body.payment_intent_id
    await frontend.paymentIntents.cancel(intentId, { cancellation_reason: 'abandoned' })
    expect(await deliverAbout(intentId, 'payment_intent.canceled')).toEqual([
      'payment_intent.canceled:applied',
    ])
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'canceled' })
    const again = await initiate(b)
    expect(again.body).toMatchObject({ status: 'pending', payment_id: started.body.payment_id })
    expect(again.body.payment_intent_id).not.toBe(intentId)
  })

  it('payment_intent.requires_action is received and leaves the payment pending', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b, 'pm_card_authenticationRequired')
    expect(await deliverAbout(intentId, 'payment_intent.requires_action')).toEqual([
      'payment_intent.requires_action:applied',
    ])
    expect((await getPayment(b)).body.status).toBe('pending')
    expect(await transitionsOf(paymentId)).toEqual([])
  })

  it('an event for an object Backline does not know: 200 unknown_object; an unhandled type: 200 ignored', async () => {
    const stranger = await frontend.paymentIntents.create({ amount: 1_234, currency: 'usd' })
    expect(await deliverAbout(stranger.id, 'payment_intent.created')).toEqual([
      'payment_intent.created:unknown_object',
    ])
    await frontend.paymentIntents.confirm(stranger.id, {
      payment_method: 'pm_card_visa',
      return_url: RETURN_URL,
    })
    expect(await deliverAbout(stranger.id, 'payment_intent.succeeded')).toEqual([
      'payment_intent.succeeded:unknown_object',
    ])
    expect(await deliverAbout(stranger.id, 'charge.succeeded')).toEqual(['charge.succeeded:ignored'])
  })
})

describe('POST /api/webhooks/stripe: duplicates and order', () => {
  it('a second delivery of an event answers 200 duplicate and changes nothing', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    const delivery = await deliveryOf(intentId, 'payment_intent.succeeded')
    expect((await deliver(delivery)).body.outcome).toBe('applied')
    const before = (await getPayment(b)).body
    const again = await postWebhook(delivery.payload, delivery.signature)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ received: true, outcome: 'duplicate' })
    expect((await getPayment(b)).body).toEqual(before)
    expect(await paymentMoves(paymentId)).toEqual(['pending>completed:webhook'])
    expect((await auditOf(b.rentalId)).filter((entry) => entry.to_status === 'active')).toHaveLength(1)
  })

  it('the same event delivered twice at once: one transition', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    const { payload, signature } = await deliveryOf(intentId, 'payment_intent.succeeded')
    const answers = await Promise.all([1, 2, 3].map(() => postWebhook(payload, signature)))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200])
    const outcomes = (await Promise.all(answers.map((answer) => answer.json()))).map(
      (body: any) => body.outcome,
    )
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1)
    expect(await paymentMoves(paymentId)).toEqual(['pending>completed:webhook'])
  })

  it('succeeded delivered before processing: the payment stays completed', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b, 'pm_emulator_processing')
    await settle(intentId, 'succeed')
    const processing = await deliveryOf(intentId, 'payment_intent.processing')
    expect((await deliver(await deliveryOf(intentId, 'payment_intent.succeeded'))).body.outcome).toBe(
      'applied',
    )
    expect((await deliver(processing)).body.outcome).toBe('applied')
    expect((await getPayment(b)).body.status).toBe('completed')
    expect(await paymentMoves(paymentId)).toEqual(['pending>completed:webhook'])
  })

  it('an old payment_failed delivered after succeeded never moves the payment back', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b, 'pm_card_authenticationRequired')
    await authenticate(intentId, 'fail')
    // The customer tries another card on the same intent (Stripe.js allows it), which succeeds.
    await frontend.paymentIntents.confirm(intentId, {
      payment_method: 'pm_card_visa',
      return_url: RETURN_URL,
    })
    const failed = await deliveryOf(intentId, 'payment_intent.payment_failed')
    await deliver(await deliveryOf(intentId, 'payment_intent.succeeded'))
    expect((await deliver(failed)).status).toBe(200)
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', failure_code: null })
    expect((await getRental(b)).body.status).toBe('active')
    expect(await paymentMoves(paymentId)).toEqual(['pending>completed:webhook'])
  })

  it('events of an earlier, failed attempt do not touch the new attempt', async () => {
    const b = await booking()
    const first = await initiateAndPay(b, 'pm_card_chargeDeclined')
    await deliverAbout(first.intentId, 'payment_intent.payment_failed')
    const second = await initiateAndPay(b)
    await deliverAbout(second.intentId, 'payment_intent.succeeded')
    expect(await deliverAbout(first.intentId, 'payment_intent.canceled')).toEqual([
      'payment_intent.canceled:unknown_object',
    ])
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', attempt: 2 })
  })
})
