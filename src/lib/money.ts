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

export type Currency = (typeof SUPPORTED_CURRENCIES)[number]

/**
 * Currencies whose minor unit is the major unit: 500 jpy is ¥500, not ¥5.
 * https://docs.stripe.com/currencies#zero-decimal
 */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
])

const supported: ReadonlySet<string> = new Set(SUPPORTED_CURRENCIES)

export const isSupportedCurrency = (currency: string): currency is Currency => supported.has(currency)

export const isZeroDecimalCurrency = (currency: string) => ZERO_DECIMAL_CURRENCIES.has(currency)

/** Stripe charges at most eight digits in minor units (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). */
export const MAX_CHARGE_AMOUNT = 99_999_999
