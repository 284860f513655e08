import type Stripe from 'stripe'
import { resourceMissing } from '../lib/errors'
import { optionalString, rejectUnknown } from '../lib/params'
import { LIST_PARAMS, paginate } from './list'
import type { ApiRequest } from './types'

export function retrieveCharge({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  const charge = ctx.store.get<Stripe.Charge>(id, 'charge')
  if (!charge) throw resourceMissing('charge', id)
  return charge
}

export function listCharges({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'payment_intent', 'customer', 'transfer_group'])
  const filter = { payment_intent: optionalString(params, 'payment_intent') }
  return paginate(ctx.store.list<Stripe.Charge>('charge', filter), params, '/v1/charges')
}

export function retrieveDispute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  const dispute = ctx.store.get<Stripe.Dispute>(id, 'dispute')
  if (!dispute) throw resourceMissing('dispute', id, 'dispute')
  return dispute
}

export function listDisputes({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'charge', 'payment_intent'])
  const filter = {
    charge: optionalString(params, 'charge'),
    payment_intent: optionalString(params, 'payment_intent'),
  }
  return paginate(ctx.store.list<Stripe.Dispute>('dispute', filter), params, '/v1/disputes')
}
