import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { type DeletedCustomer, newCustomer } from '../domain/customer-objects'
import {
  assertAttachable,
  assertAttachedTo,
  attachPaymentMethod,
  findCustomer,
  saveCustomer,
} from '../domain/customers'
import { emit } from '../domain/events'
import { noSuchPaymentMethod, resolvePaymentMethod } from '../domain/payment-method-records'
import type { Params } from '../lib/form'
import {
  mergeMetadata,
  optionalEmail,
  optionalHash,
  optionalString,
  rejectUnknown,
  rejectUnknownIn,
  stringList,
} from '../lib/params'
import { LIST_PARAMS, paginate } from './list'
import { paymentMethodsOf } from './payment-methods'
import type { ApiRequest } from './types'

const UPDATE_PARAMS = [
  ...['address', 'description', 'email', 'expand', 'invoice_settings', 'metadata', 'name', 'phone'],
  'preferred_locales',
]
const CREATE_PARAMS = [...UPDATE_PARAMS, 'payment_method']
const DEFAULT_PAYMENT_METHOD = 'invoice_settings[default_payment_method]'
const ADDRESS_FIELDS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const

/** A string field: '' unsets it (null), absent leaves it. */
function text(params: Params, name: string): string | null | undefined {
  const value = optionalString(params, name)
  return value === undefined ? undefined : value || null
}

function parseAddress(params: Params): Stripe.Address | null | undefined {
  if (params.address === '') return null
  const hash = optionalHash(params, 'address')
  if (!hash) return undefined
  rejectUnknownIn(hash, 'address', ADDRESS_FIELDS)
  const address: Stripe.Address = {
    city: null,
    country: null,
    line1: null,
    line2: null,
    postal_code: null,
    state: null,
  }
  for (const field of ADDRESS_FIELDS) address[field] = text(hash, field) ?? null
  return address
}

/** `invoice_settings[default_payment_method]` (the only invoice setting modelled): an id, '' (null), absent. */
function parseDefaultPaymentMethod(params: Params): string | null | undefined {
  const hash = optionalHash(params, 'invoice_settings')
  if (!hash) return undefined
  rejectUnknownIn(hash, 'invoice_settings', ['default_payment_method'])
  return text(hash, 'default_payment_method')
}

/** The fields create and update both take, over `current`. */
function applyFields(current: Stripe.Customer, params: Params): Stripe.Customer {
  const after = structuredClone(current)
  const email = optionalEmail(params)
  if (email !== undefined) after.email = email || null
  for (const field of ['name', 'description', 'phone'] as const) {
    const value = text(params, field)
    if (value !== undefined) after[field] = value
  }
  const address = parseAddress(params)
  if (address !== undefined) after.address = address
  if (params.preferred_locales !== undefined)
    after.preferred_locales = stringList(params.preferred_locales, 'preferred_locales')
  after.metadata = mergeMetadata(current.metadata, params)
  return after
}

const blankCustomer = (ctx: Ctx) =>
  newCustomer(
    {
      email: null,
      name: null,
      description: null,
      phone: null,
      address: null,
      metadata: {},
      preferred_locales: [],
    },
    ctx.store.now(),
  )

/**
 * `POST /v1/customers` → `customer.created`. `payment_method` is attached to the new customer
 * (`payment_method.attached`); `invoice_settings[default_payment_method]` may name that same one.
 */
export function createCustomer({ ctx, params }: ApiRequest) {
  rejectUnknown(params, CREATE_PARAMS)
  const customer = applyFields(blankCustomer(ctx), params)
  const given = optionalString(params, 'payment_method')
  const method = given ? resolvePaymentMethod(ctx.store, given) : null
  if (method) assertAttachable(method)
  const defaultMethod = parseDefaultPaymentMethod(params)
  if (defaultMethod) {
    if (defaultMethod !== given) assertAttachedTo(ctx.store, customer, defaultMethod, DEFAULT_PAYMENT_METHOD)
    customer.invoice_settings.default_payment_method = method?.id ?? null
  }
  ctx.store.put(customer)
  emit(ctx, { type: 'customer.created', object: customer })
  if (method) attachPaymentMethod(ctx, method, customer)
  return customer
}

/** A deleted customer is still answered, as `{ id, object: 'customer', deleted: true }`. */
export function retrieveCustomer({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  const deleted = ctx.store.get<Stripe.Customer | DeletedCustomer>(id, 'customer')
  if (deleted?.deleted) return { id: deleted.id, object: 'customer', deleted: true }
  return findCustomer(ctx.store, id, 'customer', 404)
}

/** `customer.updated` (with `previous_attributes`) when anything changed. */
export function updateCustomer({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, UPDATE_PARAMS)
  const customer = findCustomer(ctx.store, id, 'customer', 404)
  const after = applyFields(customer, params)
  const defaultMethod = parseDefaultPaymentMethod(params)
  if (defaultMethod) assertAttachedTo(ctx.store, customer, defaultMethod, DEFAULT_PAYMENT_METHOD)
  if (defaultMethod !== undefined) after.invoice_settings.default_payment_method = defaultMethod
  return saveCustomer(ctx, customer, after)
}

/** `customer.deleted`; the id keeps answering as deleted. Its PaymentMethods stay as they are. */
export function deleteCustomer({ ctx, params, id }: ApiRequest): Stripe.DeletedCustomer {
  rejectUnknown(params, [])
  const customer = findCustomer(ctx.store, id, 'customer', 404)
  const deleted: DeletedCustomer = {
    id: customer.id,
    object: 'customer',
    deleted: true,
    created: customer.created,
  }
  ctx.store.put(deleted)
  emit(ctx, { type: 'customer.deleted', object: customer })
  return { id: customer.id, object: 'customer', deleted: true }
}

/**
 * Newest first; `email` filters exactly (case-sensitive, as Stripe's). Deleted customers are left out. Test
 * clocks are not modelled, so `test_clock` is an unknown parameter.
 */
export function listCustomers({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'email'])
  const email = optionalString(params, 'email')
  const customers = ctx.store
    .list<Stripe.Customer | DeletedCustomer>('customer')
    .filter((customer): customer is Stripe.Customer => !customer.deleted)
    .filter((customer) => email === undefined || customer.email === email)
  return paginate(customers, params, '/v1/customers')
}

/** `GET /v1/customers/:id/payment_methods` (`type` optional; only `card` has any). */
export function listCustomerPaymentMethods({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'type', 'allow_redisplay'])
  const customer = findCustomer(ctx.store, id, 'customer', 404)
  const methods = paymentMethodsOf(ctx, params, customer.id)
  return paginate(methods, params, `/v1/customers/${customer.id}/payment_methods`)
}

export function retrieveCustomerPaymentMethod({ ctx, params, id, subId }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  const customer = findCustomer(ctx.store, id, 'customer', 404)
  const method = paymentMethodsOf(ctx, {}, customer.id).find((candidate) => candidate.id === subId)
  if (!method) throw noSuchPaymentMethod(subId, 'payment_method', 404)
  return method
}
