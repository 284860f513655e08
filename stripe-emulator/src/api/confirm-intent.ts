import type Stripe from 'stripe'
import { assertConfirmable, confirmIntent } from '../domain/confirm'
import type { Ctx } from '../domain/context'
import { paymentMethodId, resolvePaymentMethod } from '../domain/payment-method-records'
import { invalidRequest, unexpectedState } from '../lib/errors'
import type { Params } from '../lib/form'
import { optionalBoolean, optionalString, rejectUnknown } from '../lib/params'
import { CONFIRM_PARAMS, IGNORED_INTENT_PARAMS, parseCaptureMethod } from './intent-params'
import { findIntent } from './lookup'
import type { ApiRequest } from './types'

export function confirmIntentRoute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, [...CONFIRM_PARAMS, ...IGNORED_INTENT_PARAMS, 'capture_method', 'client_secret'])
  const intent = findIntent(ctx, id)
  assertConfirmable(intent)
  assertCanConfirm(
    intent.automatic_payment_methods,
    params,
    optionalString(params, 'payment_method') ?? paymentMethodId(intent) ?? undefined,
  )
  intent.capture_method = parseCaptureMethod(params) ?? intent.capture_method
  return confirmWith(ctx, intent, params)
}

export function confirmWith(ctx: Ctx, intent: Stripe.PaymentIntent, params: Params) {
  const idOrToken = optionalString(params, 'payment_method') ?? paymentMethodId(intent)
  if (!idOrToken) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    )
  }
  const method = resolvePaymentMethod(ctx.store, idOrToken)
  const offSession =
    optionalBoolean(params, 'off_session') || optionalBoolean(params, 'error_on_requires_action')
  if (offSession && method.card.behaviour === 'authenticate') {
    method.card = {
      ...method.card,
      decline: {
        code: 'authentication_required',
        decline_code: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      },
    }
  }
  return confirmIntent(ctx, intent, method)
}

/** Stripe refuses a server-side confirm that could need a redirect but has no return_url. */
export function assertCanConfirm(
  automatic: Stripe.PaymentIntent.AutomaticPaymentMethods | null,
  params: Params,
  method?: string,
) {
  if (!automatic?.enabled || automatic.allow_redirects === 'never') return
  if (optionalString(params, 'return_url') || !method) return
  throw invalidRequest(
    'This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.',
  )
}
