import type Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { advanceClock, pendingWebhooks, resetEmulator } from '../helpers/stripe-emulator'
import { customerWithSavedCard, eventTypes, paidIntent, stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

const DAY = 24 * 3600
const now = async () => (await advanceClock(0)).now

/** A $500 security deposit held on the card (manual capture). */
const hold = (token = 'pm_card_visa', extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  paidIntent(token, { amount: 50_000, capture_method: 'manual', ...extra })

const chargeOf = (intent: Stripe.PaymentIntent) => stripe.charges.retrieve(intent.latest_charge as string)

describe('a hold (capture_method=manual)', () => {
  it('authorizes without capturing: capture_before is 7 days on from the emulator clock', async () => {
    await advanceClock(3 * DAY)
    const start = await now()
    const intent = await hold()
    expect(intent).toMatchObject({
      status: 'requires_capture',
      amount_capturable: 50_000,
      amount_received: 0,
    })
    const charge = await chargeOf(intent)
    expect(charge).toMatchObject({
      status: 'succeeded',
      paid: true,
      captured: false,
      amount_captured: 0,
      amount_refunded: 0,
      refunded: false,
      balance_transaction: null,
    })
    const captureBefore = charge.payment_method_details?.card?.capture_before as number
    expect(captureBefore - charge.created).toBe(7 * DAY)
    expect(charge.created).toBeGreaterThanOrEqual(start)
    expect(await eventTypes()).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.amount_capturable_updated',
    ])
  })

  it('is held 4 days 18 hours for a Visa charged off-session, 7 days for Mastercard', async () => {
    const visa = await customerWithSavedCard('pm_card_visa')
    const offSession = await hold(visa.paymentMethod, { customer: visa.customer.id, off_session: true })
    const visaCharge = await chargeOf(offSession)
    expect(visaCharge.payment_method_details?.card?.capture_before).toBe(
      visaCharge.created + 4 * DAY + 18 * 3600,
    )
    const mastercard = await customerWithSavedCard('pm_card_mastercard', 'm@example.com')
    const held = await hold(mastercard.paymentMethod, { customer: mastercard.customer.id, off_session: true })
    const mastercardCharge = await chargeOf(held)
    expect(mastercardCharge.payment_method_details?.card?.capture_before).toBe(
      mastercardCharge.created + 7 * DAY,
    )
  })

  it('captures part of it: the rest is released as a Refund of the charge', async () => {
    const intent = await hold()
    const captured = await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 12_000 })
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 12_000, amount_capturable: 0 })
    const charge = await chargeOf(intent)
    expect(charge).toMatchObject({
      captured: true,
      amount: 50_000,
      amount_captured: 12_000,
      amount_refunded: 38_000,
      refunded: false,
    })
    expect(charge.balance_transaction).toMatch(/^txn_/)
    const refunds = await stripe.refunds.list({ payment_intent: intent.id })
    expect(refunds.data).toHaveLength(1)
    expect(refunds.data[0]).toMatchObject({
      amount: 38_000,
      status: 'succeeded',
      charge: charge.id,
      reason: null,
      balance_transaction: null,
    })
    expect((await eventTypes()).slice(-2)).toEqual(['charge.captured', 'payment_intent.succeeded'])
    const capturedEvent = (await stripe.events.list({ type: 'charge.captured' })).data[0]
    expect(capturedEvent?.data.object).toMatchObject({ amount_captured: 12_000, amount_refunded: 38_000 })
    // What was captured can be refunded; what was released cannot be again.
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 12_001 })).rejects.toMatchObject({
      code: 'amount_too_large',
    })
    const refund = await stripe.refunds.create({ payment_intent: intent.id })
    expect(refund.amount).toBe(12_000)
    expect(await chargeOf(intent)).toMatchObject({ amount_refunded: 50_000, refunded: true })
  })

  it('captures all of it by default: nothing released', async () => {
    const intent = await hold()
    await stripe.paymentIntents.capture(intent.id)
    expect(await chargeOf(intent)).toMatchObject({
      captured: true,
      amount_captured: 50_000,
      amount_refunded: 0,
    })
    expect((await stripe.refunds.list({ payment_intent: intent.id })).data).toEqual([])
  })

  it('cancels: the whole hold is released (charge.refunded, then payment_intent.canceled)', async () => {
    const intent = await hold()
    const canceled = await stripe.paymentIntents.cancel(intent.id, { cancellation_reason: 'abandoned' })
    expect(canceled).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'abandoned',
      amount_capturable: 0,
      amount_received: 0,
    })
    const charge = await chargeOf(intent)
    expect(charge).toMatchObject({
      captured: false,
      amount_captured: 0,
      amount_refunded: 50_000,
      refunded: true,
    })
    const [release] = (await stripe.refunds.list({ charge: charge.id })).data
    expect(release).toMatchObject({ amount: 50_000, status: 'succeeded', balance_transaction: null })
    expect((await eventTypes()).slice(-2)).toEqual(['charge.refunded', 'payment_intent.canceled'])
    await expect(stripe.paymentIntents.capture(intent.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    })
  })
})

describe('a hold the emulator clock outlives', () => {
  it('expires when the clock passes capture_before: charge.expired, payment_intent.canceled automatic', async () => {
    const intent = await hold()
    const charge = await chargeOf(intent)
    const captureBefore = charge.payment_method_details?.card?.capture_before as number
    await advanceClock(7 * DAY - 60)
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ status: 'requires_capture' })
    const before = await eventTypes()
    await advanceClock(60)
    // The control itself records the events: they are in the outbox before anything reads the intent.
    const webhooks = (await pendingWebhooks()).map((delivery) => delivery.event_type)
    expect(webhooks.slice(-2)).toEqual(['charge.expired', 'payment_intent.canceled'])
    expect(await eventTypes()).toEqual([...before, 'charge.expired', 'payment_intent.canceled'])
    const expired = (await stripe.events.list({ type: 'charge.expired' })).data[0]
    expect(expired).toMatchObject({
      request: { id: null, idempotency_key: null },
      data: { object: { id: charge.id, captured: false, refunded: true, amount_refunded: 50_000 } },
    })
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'automatic',
      canceled_at: captureBefore,
      amount_capturable: 0,
    })
    expect(await chargeOf(intent)).toMatchObject({ captured: false, refunded: true, amount_refunded: 50_000 })
    expect((await stripe.refunds.list({ payment_intent: intent.id })).data).toMatchObject([
      { amount: 50_000, status: 'succeeded' },
    ])
  })

  it('cannot be captured once expired, with Stripe’s error', async () => {
    const intent = await hold()
    await advanceClock(8 * DAY)
    const capture = stripe.paymentIntents.capture(intent.id)
    await expect(capture).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
      message:
        'This PaymentIntent could not be captured because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.',
    })
  })

  it('leaves captured and canceled holds alone, and expires each open one once', async () => {
    const captured = await hold()
    await stripe.paymentIntents.capture(captured.id)
    const canceled = await hold()
    await stripe.paymentIntents.cancel(canceled.id)
    const open = await hold()
    await advanceClock(30 * DAY)
    await advanceClock(30 * DAY)
    expect(await stripe.paymentIntents.retrieve(captured.id)).toMatchObject({ status: 'succeeded' })
    expect(await stripe.paymentIntents.retrieve(canceled.id)).toMatchObject({ cancellation_reason: null })
    expect(await stripe.paymentIntents.retrieve(open.id)).toMatchObject({ cancellation_reason: 'automatic' })
    expect((await stripe.events.list({ type: 'charge.expired' })).data).toHaveLength(1)
  })

  it('expires a connected account’s hold in that account (its events carry account)', async () => {
    const account = await stripe.accounts.create({ type: 'express', country: 'US' })
    const intent = await stripe.paymentIntents.create(
      {
        amount: 5_000,
        currency: 'usd',
        capture_method: 'manual',
        payment_method: 'pm_card_visa',
        confirm: true,
      },
      { stripeAccount: account.id },
    )
    await advanceClock(7 * DAY)
    expect((await stripe.events.list({ type: 'charge.expired' })).data).toEqual([])
    const events = await stripe.events.list({ type: 'charge.expired' }, { stripeAccount: account.id })
    expect(events.data).toHaveLength(1)
    expect(events.data[0]).toMatchObject({ account: account.id })
    const after = await stripe.paymentIntents.retrieve(intent.id, {}, { stripeAccount: account.id })
    expect(after).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic' })
  })
})
