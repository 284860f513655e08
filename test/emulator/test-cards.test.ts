import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { authenticate, closeDispute, disputeCharge, resetEmulator, settle } from '../helpers/stripe-emulator'
import { eventTypes, paidIntent, stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

describe('declined cards', () => {
  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
  ])(
    '%s answers 402 card_error %s / %s and leaves the intent retryable',
    async (method, code, declineCode) => {
      const error = (await paidIntent(method).catch(
        (caught: unknown) => caught,
      )) as Stripe.errors.StripeCardError
      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError)
      expect(error).toMatchObject({ statusCode: 402, rawType: 'card_error', code, decline_code: declineCode })
      const intent = error.payment_intent as Stripe.PaymentIntent
      expect(intent).toMatchObject({
        status: 'requires_payment_method',
        last_payment_error: { code, decline_code: declineCode },
      })
      const charge = await stripe.charges.retrieve(intent.latest_charge as string)
      expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: code })
      const retried = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })
      expect(retried.status).toBe('succeeded')
      expect(await eventTypes()).toEqual([
        'payment_intent.created',
        'charge.failed',
        'payment_intent.payment_failed',
        'charge.succeeded',
        'payment_intent.succeeded',
      ])
    },
  )
})

describe('pm_card_authenticationRequired (3-D Secure)', () => {
  it('requires action, then succeeds when the customer authenticates', async () => {
    const intent = await paidIntent('pm_card_authenticationRequired')
    expect(intent).toMatchObject({ status: 'requires_action', next_action: { type: 'use_stripe_sdk' } })
    expect(await authenticate(intent.id, 'succeed')).toMatchObject({ status: 'succeeded' })
    const after = await stripe.paymentIntents.retrieve(intent.id)
    expect(after).toMatchObject({ status: 'succeeded', next_action: null, amount_received: 2_000 })
    expect(await eventTypes()).toContain('payment_intent.requires_action')
  })

  it('fails when the customer fails authentication', async () => {
    const intent = await paidIntent('pm_card_authenticationRequired')
    await authenticate(intent.id, 'fail')
    const after = await stripe.paymentIntents.retrieve(intent.id)
    expect(after).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'payment_intent_authentication_failure', type: 'invalid_request_error' },
    })
    expect((await eventTypes()).at(-1)).toBe('payment_intent.payment_failed')
  })

  it('declines off-session payments that need authentication', async () => {
    const attempt = paidIntent('pm_card_authenticationRequired', { off_session: true })
    await expect(attempt).rejects.toMatchObject({
      code: 'authentication_required',
      decline_code: 'authentication_required',
    })
  })

  it('holds a manual capture after authentication', async () => {
    const intent = await paidIntent('pm_card_authenticationRequired', { capture_method: 'manual' })
    await authenticate(intent.id, 'succeed')
    const after = await stripe.paymentIntents.retrieve(intent.id)
    expect(after).toMatchObject({ status: 'requires_capture', amount_capturable: 2_000 })
    expect(await eventTypes()).toContain('payment_intent.amount_capturable_updated')
  })
})

describe('pm_card_createDispute', () => {
  it('succeeds, is disputed, and the dispute closes through the control', async () => {
    const intent = await paidIntent('pm_card_createDispute')
    expect(intent.status).toBe('succeeded')
    const created = await stripe.events.list({ type: 'charge.dispute.created' })
    const dispute = created.data[0]?.data.object as Stripe.Dispute
    expect(dispute).toMatchObject({
      object: 'dispute',
      status: 'needs_response',
      charge: intent.latest_charge,
      amount: 2_000,
    })
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({ disputed: true })
    await closeDispute(dispute.id, 'lost')
    const closed = await stripe.events.list({ type: 'charge.dispute.closed' })
    expect(closed.data[0]?.data.object).toMatchObject({ id: dispute.id, status: 'lost' })
    expect(closed.data[0]?.data.previous_attributes).toEqual({ status: 'needs_response' })
    expect(await stripe.disputes.retrieve(dispute.id)).toMatchObject({ status: 'lost' })
    await expect(stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({
      code: 'charge_disputed',
    })
  })
})

describe('the dispute control (emulator-only): a chargeback of any captured charge, later', () => {
  it('disputes what was captured of a charge, once, and refuses what cannot be disputed', async () => {
    const hold = await paidIntent('pm_card_visa', { capture_method: 'manual' })
    const charge = hold.latest_charge as string
    await expect(disputeCharge(charge)).rejects.toThrow(/has not been captured/)
    await stripe.paymentIntents.capture(hold.id, { amount_to_capture: 1_500 })
    const dispute = await disputeCharge(charge)
    expect(dispute).toMatchObject({ object: 'dispute', status: 'needs_response', amount: 1_500 })
    const created = await stripe.events.list({ type: 'charge.dispute.created' })
    expect(created.data[0]?.data.object).toMatchObject({ id: dispute.id, charge, payment_intent: hold.id })
    expect(await stripe.charges.retrieve(charge)).toMatchObject({ disputed: true })
    await expect(disputeCharge(charge)).rejects.toThrow(/charge_disputed/)
    const refunded = await paidIntent()
    await stripe.refunds.create({ payment_intent: refunded.id })
    await expect(disputeCharge(refunded.latest_charge as string)).rejects.toThrow(/charge_already_refunded/)
  })
})

describe('pm_emulator_processing (emulator-only)', () => {
  it('stays processing until settled', async () => {
    const intent = await paidIntent('pm_emulator_processing')
    expect(intent.status).toBe('processing')
    await settle(intent.id, 'succeed')
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ status: 'succeeded' })
    expect(await eventTypes()).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'charge.succeeded',
      'payment_intent.succeeded',
    ])
  })

  it('can fail while processing', async () => {
    const intent = await paidIntent('pm_emulator_processing')
    await settle(intent.id, 'fail')
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: 'requires_payment_method',
    })
  })
})

describe('cancel after authorization', () => {
  it('releases a held payment and records payment_intent.canceled', async () => {
    const intent = await paidIntent('pm_card_visa', { capture_method: 'manual' })
    const canceled = await stripe.paymentIntents.cancel(intent.id)
    expect(canceled).toMatchObject({ status: 'canceled', amount_capturable: 0 })
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      refunded: true,
      captured: false,
    })
    expect((await eventTypes()).at(-1)).toBe('payment_intent.canceled')
  })
})
