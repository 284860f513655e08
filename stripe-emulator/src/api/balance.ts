import type Stripe from 'stripe'
import { balanceOf } from '../domain/balance'
import type { Account } from '../domain/connect-objects'
import { optionalString, rejectUnknown } from '../lib/params'
import { LIST_PARAMS, paginate, rangeFilter } from './list'
import { findObject } from './lookup'
import type { ApiRequest } from './types'

/** The platform's balance, or with `Stripe-Account` the connected account's. */
export function retrieveBalance({ ctx, params }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  const account = ctx.store.account
  const currency = account
    ? (ctx.store.forAccount(null).get<Account>(account, 'account')?.default_currency ?? 'usd')
    : 'usd'
  return balanceOf(ctx.store, account, currency)
}

export function listPayouts({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'status', 'destination', 'arrival_date'])
  const status = optionalString(params, 'status')
  const destination = optionalString(params, 'destination')
  const arrival = rangeFilter<Stripe.Payout>(params, 'arrival_date', (payout) => payout.arrival_date)
  const payouts = ctx.store
    .list<Stripe.Payout>('payout')
    .filter((payout) => !status || payout.status === status)
    .filter((payout) => !destination || payout.destination === destination)
    .filter(arrival)
  return paginate(payouts, params, '/v1/payouts')
}

export function retrievePayout({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  return findObject<Stripe.Payout>(ctx.store, 'payout', id)
}
