import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { attachPaymentMethod, detachPaymentMethod, findCustomer } from '../domain/customers'
import { resolvePaymentMethod } from '../domain/payment-method-records'
import type { Params } from '../lib/form'
import { idOf } from '../lib/ids'
import { optionalEnum, optionalString, rejectUnknown, requiredString } from '../lib/params'
import { LIST_PARAMS, paginate } from './list'
import type { ApiRequest } from './types'

/** The path's PaymentMethod: a `pm_…` of this account, or a test token (which becomes a new one). */
const pathPaymentMethod = ({ ctx, id }: ApiRequest) =>
  resolvePaymentMethod(ctx.store, id, 'payment_method', 404)

/**
 * This account's PaymentMethods, newest first: a customer's (or all), of `type` (only `card` has any), of
 * `allow_redisplay` (every one the emulator makes is `unspecified`).
 */
export function paymentMethodsOf(ctx: Ctx, params: Params, customer?: string): Stripe.PaymentMethod[] {
  const type = optionalString(params, 'type') ?? 'card'
  const redisplay = optionalEnum(params, 'allow_redisplay', ['always', 'limited', 'unspecified'] as const)
  return ctx.store
    .list<Stripe.PaymentMethod>('payment_method')
    .filter((method) => method.type === type)
    .filter((method) => customer === undefined || idOf(method.customer) === customer)
    .filter((method) => !redisplay || method.allow_redisplay === redisplay)
}

export function retrievePaymentMethod(request: ApiRequest) {
  rejectUnknown(request.params, ['expand'])
  return pathPaymentMethod(request).paymentMethod
}

/** `customer` is required; a PaymentMethod attached already, or spent, is refused; declining cards too (402). */
export function attachPaymentMethodRoute(request: ApiRequest) {
  const { ctx, params } = request
  rejectUnknown(params, ['customer', 'expand'])
  const customer = findCustomer(ctx.store, requiredString(params, 'customer'))
  return attachPaymentMethod(ctx, pathPaymentMethod(request), customer)
}

export function detachPaymentMethodRoute(request: ApiRequest) {
  rejectUnknown(request.params, ['expand'])
  return detachPaymentMethod(request.ctx, pathPaymentMethod(request).paymentMethod)
}

/** `GET /v1/payment_methods?customer=cus_…&type=card`; without `customer`, every card of the account. */
export function listPaymentMethods({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'customer', 'type', 'allow_redisplay'])
  const id = optionalString(params, 'customer')
  const customer = id === undefined ? undefined : findCustomer(ctx.store, id).id
  return paginate(paymentMethodsOf(ctx, params, customer), params, '/v1/payment_methods')
}
