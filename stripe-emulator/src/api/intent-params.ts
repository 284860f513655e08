import type Stripe from 'stripe'
import { invalidRequest, missingParam } from '../lib/errors'
import type { Params } from '../lib/form'
import {
  hashOf,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  requiredInteger,
  requiredString,
  stringList,
} from '../lib/params'

/**
 * What a PaymentIntent's confirmation takes (at create with confirm=true, or `/confirm`). Stripe's others
 * (`payment_method_options`, `payment_method_data`, `mandate_data`, `radar_options`, `shipping`…) are not
 * implemented, so they are refused as unknown parameters.
 */
export const CONFIRM_PARAMS = [
  'expand',
  'payment_method',
  'return_url',
  'off_session',
  'error_on_requires_action',
  'receipt_email',
  'setup_future_usage',
  'use_stripe_sdk',
  'allowed_payment_method_types',
]

/** Confirmation parameters Stripe takes at create only with `confirm=true`. */
const CONFIRM_ONLY = ['off_session', 'return_url', 'error_on_requires_action', 'use_stripe_sdk']

export function assertConfirmOnly(params: Params, confirm: boolean): void {
  if (confirm) return
  const given = CONFIRM_ONLY.find((name) => params[name] !== undefined)
  if (given) throw invalidRequest(`${given} can only be used when confirm=true.`, { param: given })
}

const MINIMUM_AMOUNT: Record<string, number> = { gbp: 30 }
const MAXIMUM_AMOUNT = 99_999_999

export function parseAmount(params: Params, currency: string, name = 'amount'): number {
  const amount = requiredInteger(params, name)
  if (amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', { param: name })
  const minimum = MINIMUM_AMOUNT[currency] ?? 50
  if (amount < minimum) {
    throw invalidRequest(`Amount must be at least ${minimum} ${currency}`, {
      param: name,
      code: 'amount_too_small',
    })
  }
  if (amount > MAXIMUM_AMOUNT) {
    throw invalidRequest(`Amount must be no more than ${MAXIMUM_AMOUNT}`, {
      param: name,
      code: 'amount_too_large',
    })
  }
  return amount
}

export function parseCurrency(params: Params): string {
  const currency = requiredString(params, 'currency').toLowerCase()
  if (!/^[a-z]{3}$/.test(currency))
    throw invalidRequest(`Invalid currency: ${currency}.`, { param: 'currency' })
  return currency
}

export function parseCaptureMethod(params: Params) {
  return optionalEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual'] as const)
}

export function parseAutomaticPaymentMethods(
  params: Params,
): Stripe.PaymentIntent.AutomaticPaymentMethods | null {
  const hash = hashOf(params, 'automatic_payment_methods', ['enabled', 'allow_redirects'])
  if (!hash) return null
  const enabled = optionalBoolean(hash, 'enabled')
  if (enabled === undefined) throw missingParam('automatic_payment_methods[enabled]')
  const allowRedirects = optionalEnum(hash, 'allow_redirects', ['always', 'never'] as const) ?? 'always'
  return { enabled, allow_redirects: allowRedirects }
}

/**
 * `payment_method_types` is no parameter on this API version: since 2026-09-30.endive Stripe answers 400
 * `payment_method_types_no_longer_supported` on PaymentIntents' create, update and confirm and SetupIntents'
 * create and update (https://docs.stripe.com/changelog/endive/2026-09-30/removes-the-payment-method-types-parameter-from-payment-intents-and-setup-intents).
 */
export function refusePaymentMethodTypes(params: Params): void {
  if (params.payment_method_types === undefined) return
  throw invalidRequest(
    '`payment_method_types` is no longer supported on this API version. Use dynamic payment methods (`automatic_payment_methods`), or `allowed_payment_method_types` to limit the payment method types.',
    { param: 'payment_method_types', code: 'payment_method_types_no_longer_supported' },
  )
}

/**
 * `allowed_payment_method_types[]` (null when '' unsets it on update): Stripe keeps the compatible ones in
 * `payment_method_types`. The emulator has cards only, so the list must allow `card`; Stripe refuses it
 * together with `automatic_payment_methods`.
 */
export function parseAllowedPaymentMethodTypes(params: Params): string[] | null | undefined {
  const value = params.allowed_payment_method_types
  if (value === undefined) return undefined
  if (value === '') return null
  if (params.automatic_payment_methods !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods.',
      { code: 'parameters_exclusive' },
    )
  }
  const types = stringList(value, 'allowed_payment_method_types')
  if (!types.includes('card')) {
    throw invalidRequest(
      `None of the allowed_payment_method_types (${types.join(', ')}) can be used: the emulator has cards only (\`card\`).`,
      { param: 'allowed_payment_method_types' },
    )
  }
  return types
}

/** `confirmation_method`: only `automatic` (manual confirmation after 3-D Secure is not modelled). */
export function parseConfirmationMethod(params: Params): void {
  const value = optionalString(params, 'confirmation_method')
  if (value !== undefined && value !== 'automatic') {
    throw invalidRequest(
      'Invalid confirmation_method: must be automatic (the emulator does not implement manual confirmation)',
      { param: 'confirmation_method' },
    )
  }
}

/** `client_secret` (as Stripe.js sends it) must be the intent's own. */
export function assertClientSecret(
  params: Params,
  intent: { client_secret: string | null },
  kind: 'PaymentIntent' | 'SetupIntent',
): void {
  const secret = optionalString(params, 'client_secret')
  if (secret === undefined || secret === intent.client_secret) return
  throw invalidRequest(
    `The client_secret provided does not match the client_secret associated with the ${kind}.`,
    { param: 'client_secret' },
  )
}

export function parseTransferData(params: Params): Stripe.PaymentIntent.TransferData | null {
  const hash = hashOf(params, 'transfer_data', ['destination', 'amount'])
  if (!hash) return null
  const destination = optionalString(hash, 'destination')
  if (!destination) throw missingParam('transfer_data[destination]')
  const amount = optionalInteger(hash, 'amount')
  return amount === undefined ? { destination } : { destination, amount }
}

/** Stripe takes an application fee only on a destination charge (or a connected account's own). */
export function parseApplicationFee(
  params: Params,
  amount: number,
  transferData: unknown,
  onBehalfOf: unknown,
) {
  const fee = optionalInteger(params, 'application_fee_amount')
  if (fee === undefined) return null
  if (!transferData && !onBehalfOf) {
    throw invalidRequest(
      'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
      { param: 'application_fee_amount' },
    )
  }
  if (fee < 0 || fee > amount) {
    throw invalidRequest('The application fee amount must be between 0 and the amount.', {
      param: 'application_fee_amount',
    })
  }
  return fee
}

/** `setup_future_usage`: `off_session` or `on_session`; an empty string (on update) unsets it. */
export function parseSetupFutureUsage(
  params: Params,
): Stripe.PaymentIntent.SetupFutureUsage | null | undefined {
  if (params.setup_future_usage === '') return null
  return optionalEnum(params, 'setup_future_usage', ['off_session', 'on_session'] as const)
}

/** `off_session` takes a boolean, or `one_off` / `recurring` (both mean true). */
export function parseOffSession(params: Params): boolean | undefined {
  const value = optionalString(params, 'off_session')
  if (value === 'one_off' || value === 'recurring') return true
  return optionalBoolean(params, 'off_session')
}
