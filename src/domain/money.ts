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

/** Currencies without minor units (https://docs.stripe.com/currencies#zero-decimal): 2500 jpy is ¥2,500. */
const ZERO_DECIMAL: readonly string[] = ['jpy', 'krw', 'clp', 'vnd']

/** An amount in minor units, written for people: 2500 usd → "$25.00", 2500 jpy → "¥2,500". */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  const exponent = ZERO_DECIMAL.includes(currency) ? 0 : 2
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 10 ** exponent,
  )
}
