import type Stripe from 'stripe'
import { assertConfirmable, confirmIntent } from '../domain/confirm'
import type { Ctx } from '../domain/context'
import type { ActionOptions } from '../domain/three-d-secure'
import { paymentMethodRefusal } from '../domain/customers'
import { paymentMethodId, resolvePaymentMethod } from '../domain/payment-method-records'
import { aboutIntent, invalidRequest, unexpectedState } from '../lib/errors'
import type { Params } from '../lib/form'
import { idOf } from '../lib/ids'
import { optionalBoolean, optionalString, rejectUnknown } from '../lib/params'
import {
  assertClientSecret,
  CONFIRM_PARAMS,
  parseAllowedPaymentMethodTypes,
  parseCaptureMethod,
  parseOffSession,
  parseSetupFutureUsage,
  refusePaymentMethodTypes,
} from './intent-params'
import { findIntent } from './lookup'
import type { ApiRequest } from './types'

export function confirmIntentRoute({ ctx, params, id }: ApiRequest) {
  refusePaymentMethodTypes(params)
  rejectUnknown(params, [...CONFIRM_PARAMS, 'capture_method', 'client_secret'])
  const intent = findIntent(ctx, id)
  assertClientSecret(params, intent, 'PaymentIntent')
  assertConfirmable(intent)
  assertCanConfirm(
    intent.automatic_payment_methods,
    params,
    optionalString(params, 'payment_method') ?? paymentMethodId(intent) ?? undefined,
  )
  intent.capture_method = parseCaptureMethod(params) ?? intent.capture_method
  const usage = parseSetupFutureUsage(params)
  if (usage !== undefined) intent.setup_future_usage = usage
  const allowed = parseAllowedPaymentMethodTypes(params)
  if (allowed !== undefined) intent.allowed_payment_method_types = allowed
  const receiptEmail = optionalString(params, 'receipt_email')
  if (receiptEmail !== undefined) intent.receipt_email = receiptEmail || null
  return confirmWith(ctx, intent, params)
}

function missingPaymentMethod(intent: Stripe.PaymentIntent) {
  const customer = idOf(intent.customer)
  const how = customer
    ? `To confirm the PaymentIntent with ${customer}, specify a payment method attached to this customer along with the customer ID.`
    : 'You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.'
  return aboutIntent(
    unexpectedState(`You cannot confirm this PaymentIntent because it's missing a payment method. ${how}`),
    intent,
  )
}

/**
 * Confirms with `payment_method` (or the intent's own): a test token becomes a new PaymentMethod; a saved one
 * must belong to the intent's customer. `off_session=true` charges without the customer (no 3-D Secure).
 */
export function confirmWith(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  params: Params,
  idOrToken = optionalString(params, 'payment_method') ?? paymentMethodId(intent),
) {
  if (!idOrToken) throw missingPaymentMethod(intent)
  const method = resolvePaymentMethod(ctx.store, idOrToken)
  const refusal = paymentMethodRefusal(method, idOf(intent.customer))
  if (refusal) throw aboutIntent(refusal, intent)
  return confirmIntent(ctx, intent, method, {
    offSession: parseOffSession(params) ?? false,
    errorOnRequiresAction: optionalBoolean(params, 'error_on_requires_action') ?? false,
    ...actionOptions(params),
  })
}

/** `return_url` and `use_stripe_sdk`: how a confirmation that needs 3-D Secure tells the caller (`next_action`). */
export const actionOptions = (params: Params): ActionOptions => ({
  returnUrl: optionalString(params, 'return_url') || null,
  useStripeSdk: optionalBoolean(params, 'use_stripe_sdk') ?? false,
})

/** Stripe refuses a server-side confirm that could need a redirect but has no return_url. */
export function assertCanConfirm(
  automatic: Stripe.PaymentIntent.AutomaticPaymentMethods | Stripe.SetupIntent.AutomaticPaymentMethods | null,
  params: Params,
  method?: string,
) {
  if (!automatic?.enabled || automatic.allow_redirects === 'never') return
  if (optionalString(params, 'return_url') || !method) return
  throw invalidRequest(
    'This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.',
  )
}
