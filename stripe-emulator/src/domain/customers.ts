import type Stripe from 'stripe'
import { previousAttributes } from '../lib/diff'
import { docUrl, invalidRequest, resourceMissing, StripeApiError } from '../lib/errors'
import { idOf } from '../lib/ids'
import type { Store } from '../store/store'
import type { Ctx } from './context'
import type { DeletedCustomer } from './customer-objects'
import { emit } from './events'
import { markSpent, type ResolvedPaymentMethod } from './payment-method-records'

/** A customer of this account; unknown or deleted: resource_missing naming `param` (400, 404 for a path). */
export function findCustomer(store: Store, id: string, param = 'customer', status = 400): Stripe.Customer {
  const customer = store.get<Stripe.Customer | DeletedCustomer>(id, 'customer')
  if (!customer || customer.deleted) throw resourceMissing('customer', id, param, status)
  return customer
}

/** Saves the customer; when anything changed, `customer.updated` with `previous_attributes`. */
export function saveCustomer(ctx: Ctx, before: Stripe.Customer, after: Stripe.Customer): Stripe.Customer {
  ctx.store.put(after)
  const previous = previousAttributes(before, after)
  if (Object.keys(previous).length > 0) {
    emit(ctx, {
      type: 'customer.updated',
      object: after,
      previous: previous as Stripe.CustomerUpdatedEvent['data']['previous_attributes'],
    })
  }
  return after
}

/** `invoice_settings[default_payment_method]` must name a PaymentMethod attached to this customer. */
export function assertAttachedTo(store: Store, customer: Stripe.Customer, id: string, param: string): void {
  const method = store.get<Stripe.PaymentMethod>(id, 'payment_method')
  if (method?.customer === customer.id) return
  throw invalidRequest(
    `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
    { param },
  )
}

/** A PaymentMethod spent by a payment without a Customer, or detached, cannot be used again. */
const SPENT_MESSAGE =
  'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.'

/**
 * Why Stripe refuses this PaymentMethod on a PaymentIntent (or SetupIntent) of `customer` (null when it does not): one attached
 * to another customer, or to a customer the intent does not name, or one spent (used once without a customer,
 * or detached).
 */
export function paymentMethodRefusal(
  method: ResolvedPaymentMethod,
  customer: string | null,
  intent: 'PaymentIntent' | 'SetupIntent' = 'PaymentIntent',
): StripeApiError | null {
  const owner = idOf(method.paymentMethod.customer)
  if (owner && customer && owner !== customer) {
    return invalidRequest(
      `The PaymentMethod ${method.id} does not belong to the Customer you supplied ${customer}. Please use this PaymentMethod with the Customer that it belongs to instead.`,
      { param: 'payment_method' },
    )
  }
  if (owner && !customer) {
    return invalidRequest(
      `The \`payment_method\` parameter supplied ${method.id} belongs to the Customer ${owner}. Please include the Customer in the \`customer\` parameter on the ${intent}.`,
      { param: 'source', code: 'parameter_missing' },
    )
  }
  if (!owner && method.spent) return invalidRequest(SPENT_MESSAGE, { param: 'payment_method' })
  return null
}

/**
 * Whether Stripe lets this PaymentMethod be attached: not when it is attached already (to any customer) or
 * spent; and Stripe verifies the card, so the decline test cards are refused with their 402 card_error.
 */
export function assertAttachable(method: ResolvedPaymentMethod): void {
  if (method.paymentMethod.customer) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.')
  }
  if (method.spent) throw invalidRequest(SPENT_MESSAGE, { param: 'payment_method' })
  const { decline } = method.card
  if (method.card.refusesAttach && decline) {
    throw new StripeApiError(402, { type: 'card_error', ...decline, doc_url: docUrl(decline.code) })
  }
}

/** Attaches the PaymentMethod (`payment_method.attached`), as `/attach` and a saving payment do. */
export function attachPaymentMethod(
  ctx: Ctx,
  method: ResolvedPaymentMethod,
  customer: Stripe.Customer,
): Stripe.PaymentMethod {
  assertAttachable(method)
  const paymentMethod = { ...method.paymentMethod, customer: customer.id }
  ctx.store.put(paymentMethod)
  method.paymentMethod = paymentMethod
  emit(ctx, { type: 'payment_method.attached', object: paymentMethod })
  return paymentMethod
}

/**
 * Detaches it (`payment_method.detached`, `previous_attributes: { customer }`); it may not be used again. A
 * customer whose default it was loses the default (`customer.updated`).
 */
export function detachPaymentMethod(ctx: Ctx, paymentMethod: Stripe.PaymentMethod): Stripe.PaymentMethod {
  const owner = idOf(paymentMethod.customer)
  if (!owner) {
    throw invalidRequest(
      'The payment method you provided is not attached to a customer so detachment is impossible.',
    )
  }
  const detached = { ...paymentMethod, customer: null }
  ctx.store.put(detached)
  markSpent(ctx.store, detached.id)
  emit(ctx, { type: 'payment_method.detached', object: detached, previous: { customer: owner } })
  const customer = ctx.store.get<Stripe.Customer | DeletedCustomer>(owner, 'customer')
  if (
    customer &&
    !customer.deleted &&
    idOf(customer.invoice_settings.default_payment_method) === detached.id
  ) {
    const after = structuredClone(customer)
    after.invoice_settings.default_payment_method = null
    saveCustomer(ctx, customer, after)
  }
  return detached
}
