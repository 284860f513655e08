import type Stripe from 'stripe'
import { docUrl, StripeApiError, unexpectedState } from '../lib/errors'
import { idOf } from '../lib/ids'
import type { Ctx } from './context'
import type { DeletedCustomer } from './customer-objects'
import { attachPaymentMethod } from './customers'
import { openDispute } from './disputes'
import { emit } from './events'
import { captureWindow } from './holds'
import { newCharge } from './objects'
import { markSetUp, markSpent, type ResolvedPaymentMethod } from './payment-method-records'
import { type Decline, needsAuthentication } from './payment-methods'
import { type ActionOptions, authenticationAction } from './three-d-secure'

/** The statuses a PaymentIntent can be confirmed (or have its amount, method and such updated) in. */
export const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action']

export function assertConfirmable(intent: Stripe.PaymentIntent): void {
  if (CONFIRMABLE.includes(intent.status)) return
  throw unexpectedState(
    `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. ` +
      `Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
  )
}

export interface ConfirmOptions extends ActionOptions {
  /** `off_session=true`: the customer is not there to authenticate (a merchant-initiated payment). */
  offSession: boolean
  /** `error_on_requires_action=true`: fail rather than ask the customer for 3-D Secure. */
  errorOnRequiresAction: boolean
}

/** What Stripe answers off-session when the issuer asks for 3-D Secure (no charge is made). */
const AUTHENTICATION_REQUIRED: Decline = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
}

/** Confirms with a test card; a decline is saved, then thrown as Stripe's 402 card_error. */
export function confirmIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  method: ResolvedPaymentMethod,
  options: ConfirmOptions,
) {
  Object.assign(intent, { payment_method: method.id, last_payment_error: null, next_action: null })
  if (needsAuthentication(method.card, options.offSession, method.setUp)) {
    if (options.offSession || options.errorOnRequiresAction)
      return declineIntent(ctx, intent, method, AUTHENTICATION_REQUIRED, false)
    return requireAction(ctx, intent, options)
  }
  if (method.card.behaviour === 'processing') return startProcessing(ctx, intent, method)
  return chargeCard(ctx, intent, method, options.offSession)
}

/** The card (authenticated if it had to be) goes to the issuer, who declines or approves it. */
export function chargeCard(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  method: ResolvedPaymentMethod,
  offSession: boolean,
) {
  const { decline } = method.card
  if (decline) return declineIntent(ctx, intent, method, decline, true)
  return authorize(ctx, intent, method, offSession)
}

function requireAction(ctx: Ctx, intent: Stripe.PaymentIntent, options: ActionOptions) {
  intent.status = 'requires_action'
  intent.next_action = authenticationAction(options)
  ctx.store.put(intent)
  emit(ctx, { type: 'payment_intent.requires_action', object: intent })
  return intent
}

/**
 * After a successful payment: with `setup_future_usage` and a customer, the PaymentMethod is attached to the
 * customer (`payment_method.attached`), and set up for off-session payments with `off_session`; one that stays
 * unattached is spent.
 */
function keepPaymentMethod(ctx: Ctx, intent: Stripe.PaymentIntent, method: ResolvedPaymentMethod): void {
  const customerId = idOf(intent.customer)
  const found = customerId ? ctx.store.get<Stripe.Customer | DeletedCustomer>(customerId, 'customer') : null
  const customer = found && !found.deleted ? found : null
  if (intent.setup_future_usage && customer && !method.paymentMethod.customer)
    attachPaymentMethod(ctx, method, customer)
  if (intent.setup_future_usage === 'off_session' && method.paymentMethod.customer)
    markSetUp(ctx.store, method.id)
  if (!method.paymentMethod.customer) markSpent(ctx.store, method.id)
}

/**
 * Approves the card: captured at once, or held for a manual capture until `capture_before` (the charge's
 * `payment_method_details.card`, from the emulator clock).
 */
export function authorize(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  method: ResolvedPaymentMethod,
  offSession: boolean,
) {
  const manual = intent.capture_method === 'manual'
  const created = ctx.store.now()
  const charge = newCharge({
    intent,
    card: method.card,
    paymentMethod: method.id,
    created,
    captured: !manual,
    ...(manual ? { captureBefore: created + captureWindow(method.card, offSession) } : {}),
  })
  Object.assign(intent, { latest_charge: charge.id, next_action: null })
  if (manual) Object.assign(intent, { status: 'requires_capture', amount_capturable: intent.amount })
  else Object.assign(intent, { status: 'succeeded', amount_received: intent.amount })
  ctx.store.put(charge, { payment_intent: intent.id })
  ctx.store.put(intent)
  emit(ctx, { type: 'charge.succeeded', object: charge })
  keepPaymentMethod(ctx, intent, method)
  if (manual) emit(ctx, { type: 'payment_intent.amount_capturable_updated', object: intent })
  else {
    emit(ctx, { type: 'payment_intent.succeeded', object: intent })
    if (method.card.behaviour === 'dispute') openDispute(ctx, charge)
  }
  return intent
}

/** A decline by the issuer (with its failed charge) or, off-session, a card that needs 3-D Secure (none). */
function declineIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  method: ResolvedPaymentMethod,
  decline: Decline,
  charged: boolean,
): never {
  const charge = charged
    ? newCharge({
        intent,
        card: method.card,
        paymentMethod: method.id,
        created: ctx.store.now(),
        captured: false,
        decline,
      })
    : null
  failIntent(ctx, intent, { charge, decline, paymentMethod: method.paymentMethod })
  throw new StripeApiError(402, {
    type: 'card_error',
    ...decline,
    doc_url: docUrl(decline.code),
    ...(charge ? { charge: charge.id } : {}),
    payment_intent: structuredClone(intent),
    payment_method: structuredClone(method.paymentMethod),
    request_log_url: `https://dashboard.stripe.com/test/logs/${ctx.request.id}`,
  })
}

interface Failure {
  charge: Stripe.Charge | null
  decline: Decline
  type?: 'card_error' | 'invalid_request_error'
  /** Shown in `last_payment_error.payment_method`, so the customer can be brought back to authenticate it. */
  paymentMethod?: Stripe.PaymentMethod
}

/** The attempt failed: the intent goes back to requires_payment_method with the error kept. */
export function failIntent(ctx: Ctx, intent: Stripe.PaymentIntent, failure: Failure) {
  const { charge, decline, type = 'card_error', paymentMethod } = failure
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
      ...(paymentMethod
        ? { payment_method: structuredClone(paymentMethod), payment_method_type: paymentMethod.type }
        : {}),
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
