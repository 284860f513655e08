import type Stripe from 'stripe'
import { docUrl, StripeApiError, unexpectedState } from '../lib/errors'
import { randomToken } from '../lib/ids'
import type { Ctx } from './context'
import { openDispute } from './disputes'
import { emit } from './events'
import { newCharge } from './objects'
import type { ResolvedPaymentMethod } from './payment-method-records'
import type { Decline } from './payment-methods'

/** The statuses a PaymentIntent can be confirmed (or have its amount, method and such updated) in. */
export const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action']

export function assertConfirmable(intent: Stripe.PaymentIntent): void {
  if (CONFIRMABLE.includes(intent.status)) return
  throw unexpectedState(
    `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. ` +
      `Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
  )
}

/** Confirms with a test card; a decline is saved, then thrown as Stripe's 402 card_error. */
export function confirmIntent(ctx: Ctx, intent: Stripe.PaymentIntent, method: ResolvedPaymentMethod) {
  Object.assign(intent, { payment_method: method.id, last_payment_error: null, next_action: null })
  const { behaviour, decline } = method.card
  if (decline) return declineIntent(ctx, intent, method, decline)
  if (behaviour === 'authenticate') return requireAction(ctx, intent)
  if (behaviour === 'processing') return startProcessing(ctx, intent, method)
  return authorize(ctx, intent, method)
}

function requireAction(ctx: Ctx, intent: Stripe.PaymentIntent) {
  intent.status = 'requires_action'
  intent.next_action = {
    type: 'use_stripe_sdk',
    use_stripe_sdk: {
      type: 'three_d_secure_redirect',
      stripe_js: `https://hooks.stripe.com/redirect/authenticate/src_${randomToken(24)}`,
      source: `src_${randomToken(24)}`,
    } as Stripe.PaymentIntent.NextAction.UseStripeSdk,
  }
  ctx.store.put(intent)
  emit(ctx, { type: 'payment_intent.requires_action', object: intent })
  return intent
}

/** Approves the card: captured at once, or held for a manual capture. */
export function authorize(ctx: Ctx, intent: Stripe.PaymentIntent, method: ResolvedPaymentMethod) {
  const manual = intent.capture_method === 'manual'
  const charge = newCharge({
    intent,
    card: method.card,
    paymentMethod: method.id,
    created: ctx.store.now(),
    captured: !manual,
  })
  Object.assign(intent, { latest_charge: charge.id, next_action: null })
  if (manual) Object.assign(intent, { status: 'requires_capture', amount_capturable: intent.amount })
  else Object.assign(intent, { status: 'succeeded', amount_received: intent.amount })
  ctx.store.put(charge, { payment_intent: intent.id })
  ctx.store.put(intent)
  emit(ctx, { type: 'charge.succeeded', object: charge })
  if (manual) emit(ctx, { type: 'payment_intent.amount_capturable_updated', object: intent })
  else {
    emit(ctx, { type: 'payment_intent.succeeded', object: intent })
    if (method.card.behaviour === 'dispute') openDispute(ctx, charge)
  }
  return intent
}

function declineIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  method: ResolvedPaymentMethod,
  decline: Decline,
): never {
  const charge = newCharge({
    intent,
    card: method.card,
    paymentMethod: method.id,
    created: ctx.store.now(),
    captured: false,
    decline,
  })
  failIntent(ctx, intent, charge, decline)
  throw new StripeApiError(402, {
    type: 'card_error',
    ...decline,
    doc_url: docUrl(decline.code),
    charge: charge.id,
    payment_intent: structuredClone(intent),
    payment_method: { id: method.id, object: 'payment_method', type: 'card' },
    request_log_url: `https://dashboard.stripe.com/test/logs/${ctx.request.id}`,
  })
}

/** The attempt failed: the intent goes back to requires_payment_method with the error kept. */
export function failIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  charge: Stripe.Charge | null,
  decline: Decline,
  type: 'card_error' | 'invalid_request_error' = 'card_error',
) {
  Object.assign(intent, {
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    latest_charge: charge?.id ?? intent.latest_charge,
    last_payment_error: {
      type,
      code: decline.code,
      ...(decline.decline_code ? { decline_code: decline.decline_code } : {}),
      message: decline.message,
      doc_url: docUrl(decline.code),
      ...(charge ? { charge: charge.id } : {}),
    },
  } satisfies Partial<Stripe.PaymentIntent>)
  if (charge) {
    Object.assign(charge, {
      status: 'failed',
      paid: false,
      failure_code: decline.code,
      failure_message: decline.message,
    })
    ctx.store.put(charge, { payment_intent: intent.id })
    emit(ctx, { type: 'charge.failed', object: charge })
  }
  ctx.store.put(intent)
  emit(ctx, { type: 'payment_intent.payment_failed', object: intent })
}

/** Emulator-only: cards never process in Stripe, but bank debits do; `settle` finishes it. */
function startProcessing(ctx: Ctx, intent: Stripe.PaymentIntent, method: ResolvedPaymentMethod) {
  const charge = newCharge({
    intent,
    card: method.card,
    paymentMethod: method.id,
    created: ctx.store.now(),
    captured: false,
  })
  Object.assign(charge, { status: 'pending', paid: false, receipt_url: null, balance_transaction: null })
  Object.assign(intent, { status: 'processing', latest_charge: charge.id })
  ctx.store.put(charge, { payment_intent: intent.id })
  ctx.store.put(intent)
  emit(ctx, { type: 'charge.pending', object: charge })
  emit(ctx, { type: 'payment_intent.processing', object: intent })
  return intent
}
