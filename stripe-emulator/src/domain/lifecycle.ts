import type Stripe from 'stripe'
import { invalidRequest, unexpectedState } from '../lib/errors'
import { authorize, failIntent } from './confirm'
import type { Ctx } from './context'
import { openDispute } from './disputes'
import { emit } from './events'
import { cardOf, paymentMethodId } from './payment-method-records'

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
]

export function latestCharge(ctx: Ctx, intent: Stripe.PaymentIntent): Stripe.Charge | null {
  const id = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id
  return id ? ctx.store.get<Stripe.Charge>(id, 'charge') : null
}

export function captureIntent(ctx: Ctx, intent: Stripe.PaymentIntent, amountToCapture?: number) {
  if (intent.status !== 'requires_capture') {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${intent.status}. ` +
        'Only a PaymentIntent with one of the following statuses may be captured: requires_capture.',
    )
  }
  const amount = amountToCapture ?? intent.amount_capturable
  if (amount <= 0) throw invalidRequest('Invalid positive integer', { param: 'amount_to_capture' })
  if (amount > intent.amount_capturable) {
    throw invalidRequest(
      `The amount_to_capture (${amount}) cannot be greater than amount_capturable (${intent.amount_capturable}).`,
      { param: 'amount_to_capture', code: 'amount_too_large' },
    )
  }
  const charge = latestCharge(ctx, intent)
  if (!charge) throw unexpectedState('This PaymentIntent has no charge to capture.')
  // The part of the authorization that is not captured is released, which Stripe shows as refunded.
  Object.assign(charge, {
    captured: true,
    amount_captured: amount,
    amount_refunded: charge.amount - amount,
    balance_transaction: `txn_${charge.id.slice(3)}`,
  })
  Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 })
  ctx.store.put(charge, { payment_intent: intent.id })
  ctx.store.put(intent)
  emit(ctx, { type: 'charge.captured', object: charge })
  emit(ctx, { type: 'payment_intent.succeeded', object: intent })
  if (cardOf(ctx.store, charge.payment_method)?.behaviour === 'dispute') openDispute(ctx, charge)
  return intent
}

export function cancelIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | null,
) {
  if (!CANCELABLE.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. ` +
        `Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    )
  }
  const charge = intent.status === 'requires_capture' ? latestCharge(ctx, intent) : null
  if (charge) {
    Object.assign(charge, { amount_refunded: charge.amount, refunded: true })
    ctx.store.put(charge, { payment_intent: intent.id })
  }
  Object.assign(intent, {
    status: 'canceled',
    canceled_at: ctx.store.now(),
    cancellation_reason: reason,
    amount_capturable: 0,
    next_action: null,
  })
  ctx.store.put(intent)
  emit(ctx, { type: 'payment_intent.canceled', object: intent })
  return intent
}

/** Emulator-only stand-in for the customer completing (or failing) 3-D Secure. */
export function authenticateIntent(ctx: Ctx, intent: Stripe.PaymentIntent, outcome: 'succeed' | 'fail') {
  const card = cardOf(ctx.store, paymentMethodId(intent))
  if (intent.status !== 'requires_action' || !card) {
    throw unexpectedState(
      `PaymentIntent ${intent.id} is not waiting for authentication (status ${intent.status}).`,
    )
  }
  if (outcome === 'succeed') return authorize(ctx, intent, { id: paymentMethodId(intent) as string, card })
  const failure = {
    code: 'payment_intent_authentication_failure',
    decline_code: '',
    message:
      'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
  }
  failIntent(ctx, intent, null, failure, 'invalid_request_error')
  return intent
}

/** Emulator-only: ends the `processing` state that pm_emulator_processing leaves. */
export function settleIntent(ctx: Ctx, intent: Stripe.PaymentIntent, outcome: 'succeed' | 'fail') {
  const charge = latestCharge(ctx, intent)
  if (intent.status !== 'processing' || !charge) {
    throw unexpectedState(`PaymentIntent ${intent.id} is not processing (status ${intent.status}).`)
  }
  if (outcome === 'fail') {
    failIntent(ctx, intent, charge, {
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    })
    return intent
  }
  Object.assign(charge, { status: 'succeeded', paid: true, captured: true, amount_captured: charge.amount })
  Object.assign(intent, { status: 'succeeded', amount_received: intent.amount })
  ctx.store.put(charge, { payment_intent: intent.id })
  ctx.store.put(intent)
  emit(ctx, { type: 'charge.succeeded', object: charge })
  emit(ctx, { type: 'payment_intent.succeeded', object: intent })
  return intent
}
