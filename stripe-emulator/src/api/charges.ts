import type Stripe from 'stripe'
import { idOf } from '../lib/ids'
import { optionalString, rejectUnknown } from '../lib/params'
import { LIST_PARAMS, paginate } from './list'
import { findObject } from './lookup'
import type { ApiRequest } from './types'

export function retrieveCharge({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  return findObject<Stripe.Charge>(ctx.store, 'charge', id)
}

export function listCharges({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'payment_intent', 'customer', 'transfer_group'])
  const filter = { payment_intent: optionalString(params, 'payment_intent') }
  const customer = optionalString(params, 'customer')
  const group = optionalString(params, 'transfer_group')
  const charges = ctx.store
    .list<Stripe.Charge>('charge', filter)
    .filter((charge) => !customer || idOf(charge.customer) === customer)
    .filter((charge) => !group || charge.transfer_group === group)
  return paginate(charges, params, '/v1/charges')
}

export function retrieveDispute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  return findObject<Stripe.Dispute>(ctx.store, 'dispute', id, 'dispute')
}

export function listDisputes({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'charge', 'payment_intent'])
  const filter = {
    charge: optionalString(params, 'charge'),
    payment_intent: optionalString(params, 'payment_intent'),
  }
  return paginate(ctx.store.list<Stripe.Dispute>('dispute', filter), params, '/v1/disputes')
}
