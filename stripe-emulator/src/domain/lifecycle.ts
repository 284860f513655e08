import type Stripe from 'stripe'
import { invalidRequest, StripeApiError, unexpectedState } from '../lib/errors'
import { chargeCard, failIntent } from './confirm'
import type { Ctx } from './context'
import { openDispute } from './disputes'
import { emit } from './events'
import { releaseHold } from './holds'
import { cardOf, paymentMethodId, resolvePaymentMethod } from './payment-method-records'

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

/** What a capture may change besides the amount (`application_fee_amount`, descriptors, `transfer_data[amount]`). */
export interface CaptureChanges {
  application_fee_amount?: number | undefined
  statement_descriptor?: string | undefined
  statement_descriptor_suffix?: string | undefined
  transfer_amount?: number | undefined
}

export function captureIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  amountToCapture?: number,
  changes: CaptureChanges = {},
) {
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
  Object.assign(charge, {
    captured: true,
    amount_captured: amount,
    balance_transaction: `txn_${charge.id.slice(3)}`,
  })
  applyCaptureChanges(intent, charge, changes)
  // The part of the authorization that is not captured is released, which Stripe shows as refunded.
  releaseHold(ctx, charge, charge.amount - amount)
  Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 })
  ctx.store.put(charge, { payment_intent: intent.id })
  ctx.store.put(intent)
  emit(ctx, { type: 'charge.captured', object: charge })
  emit(ctx, { type: 'payment_intent.succeeded', object: intent })
  if (cardOf(ctx.store, charge.payment_method)?.behaviour === 'dispute') openDispute(ctx, charge)
  return intent
}

/** The fields a capture sets, on the intent and on its charge alike. */
function applyCaptureChanges(intent: Stripe.PaymentIntent, charge: Stripe.Charge, changes: CaptureChanges) {
  const { transfer_amount: transferAmount, ...fields } = changes
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue
    Object.assign(intent, { [field]: value })
    Object.assign(charge, { [field]: value })
  }
  if (transferAmount !== undefined && intent.transfer_data && charge.transfer_data) {
    intent.transfer_data.amount = transferAmount
    charge.transfer_data.amount = transferAmount
  }
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
  // A held authorization is released: Stripe refunds the whole uncaptured amount (`charge.refunded`).
  const charge = intent.status === 'requires_capture' ? latestCharge(ctx, intent) : null
  if (charge) releaseHold(ctx, charge, charge.amount - charge.amount_captured)
  Object.assign(intent, {
    status: 'canceled',
    canceled_at: ctx.store.now(),
    cancellation_reason: reason,
    amount_capturable: 0,
    next_action: null,
  })
  ctx.store.put(intent)
  if (charge) emit(ctx, { type: 'charge.refunded', object: charge })
  emit(ctx, { type: 'payment_intent.canceled', object: intent })
  return intent
}

/**
 * Emulator-only stand-in for the customer completing (or failing) 3-D Secure. Once authenticated the card goes
 * to the issuer, who may still decline it (then the intent is answered with `last_payment_error`, not a 402).
 */
export function authenticateIntent(ctx: Ctx, intent: Stripe.PaymentIntent, outcome: 'succeed' | 'fail') {
  const methodId = paymentMethodId(intent)
  if (intent.status !== 'requires_action' || !methodId) {
    throw unexpectedState(
      `PaymentIntent ${intent.id} is not waiting for authentication (status ${intent.status}).`,
    )
  }
  const method = resolvePaymentMethod(ctx.store, methodId)
  if (outcome === 'succeed') {
    try {
      return chargeCard(ctx, intent, method, false)
    } catch (error) {
      if (error instanceof StripeApiError && error.body.type === 'card_error') return intent
      throw error
    }
  }
  const decline = {
    code: 'payment_intent_authentication_failure',
    decline_code: '',
    message:
      'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
  }
  failIntent(ctx, intent, {
    charge: null,
    decline,
    type: 'invalid_request_error',
    paymentMethod: method.paymentMethod,
  })
  return intent
}

/** Emulator-only: ends the `processing` state that pm_emulator_processing leaves. */
export function settleIntent(ctx: Ctx, intent: Stripe.PaymentIntent, outcome: 'succeed' | 'fail') {
  const charge = latestCharge(ctx, intent)
  if (intent.status !== 'processing' || !charge) {
    throw unexpectedState(`PaymentIntent ${intent.id} is not processing (status ${intent.status}).`)
  }
  if (outcome === 'fail') {
    const decline = {
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    }
    failIntent(ctx, intent, { charge, decline })
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
