import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import type { Store } from '../store/store'

/** Amounts per currency. */
export type Funds = Record<string, number>

const add = (funds: Funds, currency: string, amount: number) => {
  funds[currency] = (funds[currency] ?? 0) + amount
}

const adjustmentKey = (account: string | null) => `balance_adjustment:${account ?? 'platform'}`

function adjustments(store: Store, account: string | null): Funds {
  return JSON.parse(store.getConfig(adjustmentKey(account)) ?? '{}') as Funds
}

/** Emulator-only: adds (or, negative, removes) available funds, as a top-up or a settled charge would. */
export function adjustBalance(store: Store, account: string | null, currency: string, amount: number): Funds {
  if (!/^[a-z]{3}$/.test(currency))
    throw invalidRequest(`Invalid currency: ${currency}.`, { param: 'currency' })
  if (!Number.isInteger(amount)) throw invalidRequest('amount must be an integer', { param: 'amount' })
  const funds = adjustments(store, account)
  add(funds, currency, amount)
  store.setConfig(adjustmentKey(account), JSON.stringify(funds))
  return availableFunds(store, account)
}

/**
 * What an account holds, all of it available at once (the emulator has no pending period): its captured
 * charges less refunds (a pending refund counts, as in Stripe) and open or lost disputes, the transfers it
 * received less their reversals, less the transfers it sent net of reversals and its payouts that did not
 * fail, plus emulator adjustments. Fees are not modelled.
 */
export function availableFunds(root: Store, account: string | null): Funds {
  const platform = root.forAccount(null)
  const own = root.forAccount(account)
  const funds: Funds = {}
  for (const charge of own.list<Stripe.Charge>('charge')) {
    if (charge.status === 'succeeded' && charge.captured)
      add(funds, charge.currency, charge.amount - charge.amount_refunded)
  }
  for (const dispute of own.list<Stripe.Dispute>('dispute')) {
    if (dispute.status !== 'won') add(funds, dispute.currency, -dispute.amount)
  }
  for (const transfer of own.list<Stripe.Transfer>('transfer')) {
    add(funds, transfer.currency, -(transfer.amount - transfer.amount_reversed))
  }
  if (account) {
    for (const transfer of platform.list<Stripe.Transfer>('transfer')) {
      if (transfer.destination === account)
        add(funds, transfer.currency, transfer.amount - transfer.amount_reversed)
    }
  }
  for (const payout of own.list<Stripe.Payout>('payout')) {
    if (payout.status !== 'failed' && payout.status !== 'canceled')
      add(funds, payout.currency, -payout.amount)
  }
  for (const [currency, amount] of Object.entries(adjustments(root, account))) add(funds, currency, amount)
  return funds
}

/** `GET /v1/balance`: everything available, in each currency the account has used (its default at least). */
export function balanceOf(root: Store, account: string | null, defaultCurrency: string): Stripe.Balance {
  const funds = availableFunds(root, account)
  const currencies = [...new Set([defaultCurrency, ...Object.keys(funds)])].sort()
  return {
    object: 'balance',
    available: currencies.map((currency) => ({
      amount: funds[currency] ?? 0,
      currency,
      source_types: { card: funds[currency] ?? 0 },
    })),
    connect_reserved: currencies.map((currency) => ({ amount: 0, currency })),
    livemode: false,
    pending: currencies.map((currency) => ({ amount: 0, currency, source_types: { card: 0 } })),
  } satisfies Stripe.Balance
}
