import type Stripe from 'stripe'
import { invalidRequest, missingParam } from '../lib/errors'
import type { Params } from '../lib/form'
import {
  optionalBoolean,
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  requiredInteger,
  requiredString,
} from '../lib/params'

/** Accepted as Stripe accepts them; the ones the emulator does not model are ignored. */
export const IGNORED_INTENT_PARAMS = [
  'expand',
  'payment_method_options',
  'shipping',
  'mandate_data',
  'use_stripe_sdk',
  'radar_options',
  'payment_method_data',
] as const

export const CONFIRM_PARAMS = [
  'payment_method',
  'return_url',
  'off_session',
  'error_on_requires_action',
  'receipt_email',
  'setup_future_usage',
]

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
  const hash = optionalHash(params, 'automatic_payment_methods')
  if (!hash) return null
  const enabled = optionalBoolean(hash, 'enabled')
  if (enabled === undefined) throw missingParam('automatic_payment_methods[enabled]')
  const allowRedirects = optionalEnum(hash, 'allow_redirects', ['always', 'never'] as const) ?? 'always'
  return { enabled, allow_redirects: allowRedirects }
}

export function parseTransferData(params: Params): Stripe.PaymentIntent.TransferData | null {
  const hash = optionalHash(params, 'transfer_data')
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
