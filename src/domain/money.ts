/**
 * Currencies Backline accepts: lowercase ISO-4217 codes that Stripe settles card payments in.
 * https://docs.stripe.com/currencies
 */
export const SUPPORTED_CURRENCIES = [
  'usd',
  'eur',
  'gbp',
  'cad',
  'aud',
  'nzd',
  'chf',
  'sek',
  'nok',
  'dkk',
  'pln',
  'czk',
  'huf',
  'ron',
  'sgd',
  'hkd',
  'mxn',
  'brl',
  'inr',
  'zar',
  'jpy',
  'krw',
  'clp',
  'vnd',
] as const

/** Stripe charges at most eight digits in minor units (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). */
export const MAX_CHARGE_AMOUNT = 99_999_999
