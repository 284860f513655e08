import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { findCustomer, paymentMethodRefusal } from '../domain/customers'
import { emit } from '../domain/events'
import { cancelIntent, captureIntent } from '../domain/lifecycle'
import { CONFIRMABLE } from '../domain/confirm'
import { newPaymentIntent } from '../domain/objects'
import { resolvePaymentMethod } from '../domain/payment-method-records'
import { aboutIntent, invalidRequest, unexpectedState } from '../lib/errors'
import type { Params } from '../lib/form'
import { idOf } from '../lib/ids'
import {
  mergeMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  rejectUnknown,
} from '../lib/params'
import {
  CONFIRM_PARAMS,
  IGNORED_INTENT_PARAMS,
  parseAmount,
  parseApplicationFee,
  parseAutomaticPaymentMethods,
  parseCaptureMethod,
  parseCurrency,
  parseSetupFutureUsage,
  parseTransferData,
} from './intent-params'
import { LIST_PARAMS, paginate } from './list'
import { assertCanConfirm, confirmWith } from './confirm-intent'
import { findIntent } from './lookup'
import type { ApiRequest } from './types'

const CREATE_PARAMS = [
  ...IGNORED_INTENT_PARAMS,
  ...CONFIRM_PARAMS,
  ...[
    'amount',
    'currency',
    'metadata',
    'automatic_payment_methods',
    'capture_method',
    'confirm',
    'confirmation_method',
  ],
  ...[
    'payment_method_types',
    'transfer_data',
    'application_fee_amount',
    'description',
    'customer',
    'on_behalf_of',
  ],
  ...['statement_descriptor', 'statement_descriptor_suffix', 'transfer_group'],
]

/** `customer` names a customer of this account (400 resource_missing otherwise); '' unsets it on update. */
function parseCustomer(ctx: Ctx, params: Params): string | null | undefined {
  const id = optionalString(params, 'customer')
  if (id === undefined || id === '') return id === '' ? null : undefined
  return findCustomer(ctx.store, id).id
}

/** A PaymentMethod given for the intent: a test token becomes a new one; Stripe's ownership rules apply. */
function paymentMethodFor(ctx: Ctx, idOrToken: string, customer: string | null) {
  const method = resolvePaymentMethod(ctx.store, idOrToken)
  const refusal = paymentMethodRefusal(method, customer)
  if (refusal) throw refusal
  return method
}

export function createIntent({ ctx, params }: ApiRequest) {
  rejectUnknown(params, CREATE_PARAMS)
  const currency = parseCurrency(params)
  const amount = parseAmount(params, currency)
  const transferData = parseTransferData(params)
  const onBehalfOf = optionalString(params, 'on_behalf_of') ?? null
  const automatic = parseAutomaticPaymentMethods(params)
  const draft = {
    amount,
    currency,
    capture_method: parseCaptureMethod(params) ?? 'automatic_async',
    metadata: mergeMetadata({}, params),
    automatic_payment_methods: automatic,
    payment_method_types: ['card'],
    application_fee_amount: parseApplicationFee(params, amount, transferData, onBehalfOf),
    transfer_data: transferData,
    description: optionalString(params, 'description') ?? null,
    receipt_email: optionalString(params, 'receipt_email') ?? null,
    customer: parseCustomer(ctx, params) ?? null,
    setup_future_usage: parseSetupFutureUsage(params) ?? null,
    statement_descriptor: optionalString(params, 'statement_descriptor') ?? null,
    statement_descriptor_suffix: optionalString(params, 'statement_descriptor_suffix') ?? null,
    transfer_group: optionalString(params, 'transfer_group') ?? null,
    on_behalf_of: onBehalfOf,
  }
  const confirm = optionalBoolean(params, 'confirm') ?? false
  const method = optionalString(params, 'payment_method')
  if (confirm) assertCanConfirm(draft.automatic_payment_methods, params, method)
  else if (params.off_session !== undefined) {
    throw invalidRequest('off_session can only be used when confirm=true.', { param: 'off_session' })
  }
  const intent = newPaymentIntent(draft, ctx.store.now())
  if (method)
    Object.assign(intent, {
      payment_method: paymentMethodFor(ctx, method, draft.customer).id,
      status: 'requires_confirmation',
    })
  ctx.store.put(intent)
  emit(ctx, { type: 'payment_intent.created', object: intent })
  return confirm ? confirmWith(ctx, intent, params) : intent
}

export function retrieveIntent({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand', 'client_secret'])
  return findIntent(ctx, id)
}

export function listIntents({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'customer'])
  const customer = optionalString(params, 'customer')
  const intents = ctx.store
    .list<Stripe.PaymentIntent>('payment_intent')
    .filter((intent) => !customer || idOf(intent.customer) === customer)
  return paginate(intents, params, '/v1/payment_intents')
}

export function updateIntent({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, [
    ...['amount', 'currency', 'metadata', 'payment_method', 'description', 'receipt_email', 'capture_method'],
    ...['application_fee_amount', 'transfer_data', 'statement_descriptor', 'statement_descriptor_suffix'],
    ...['customer', 'transfer_group', 'payment_method_types', 'setup_future_usage', ...IGNORED_INTENT_PARAMS],
  ])
  const intent = findIntent(ctx, id)
  for (const field of ['amount', 'currency', 'payment_method', 'capture_method']) {
    if (params[field] !== undefined && !CONFIRMABLE.includes(intent.status)) {
      throw unexpectedState(
        `This PaymentIntent's ${field} could not be updated because it has a status of ${intent.status}. ` +
          `You may only update the ${field} of a PaymentIntent with one of the following statuses: ${CONFIRMABLE.join(', ')}.`,
      )
    }
  }
  const currency = params.currency !== undefined ? parseCurrency(params) : intent.currency
  const amount = params.amount !== undefined ? parseAmount(params, currency) : intent.amount
  Object.assign(intent, { currency, amount, metadata: mergeMetadata(intent.metadata, params) })
  for (const field of ['description', 'receipt_email', 'transfer_group', 'statement_descriptor'] as const) {
    const value = optionalString(params, field)
    if (value !== undefined) intent[field] = value === '' ? null : value
  }
  const customer = parseCustomer(ctx, params)
  if (customer !== undefined) intent.customer = customer
  const usage = parseSetupFutureUsage(params)
  if (usage !== undefined) intent.setup_future_usage = usage
  intent.capture_method = parseCaptureMethod(params) ?? intent.capture_method
  const fee = optionalInteger(params, 'application_fee_amount')
  if (fee !== undefined)
    intent.application_fee_amount = parseApplicationFee(
      params,
      amount,
      intent.transfer_data,
      intent.on_behalf_of,
    )
  const method = optionalString(params, 'payment_method')
  if (method) {
    const resolved = resolvePaymentMethod(ctx.store, method)
    const refusal = paymentMethodRefusal(resolved, idOf(intent.customer))
    if (refusal) throw aboutIntent(refusal, findIntent(ctx, id))
    Object.assign(intent, { payment_method: resolved.id, status: 'requires_confirmation' })
  }
  ctx.store.put(intent)
  return intent
}

export function cancelIntentRoute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['cancellation_reason', 'expand'])
  const reasons = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const
  const reason = optionalEnum(params, 'cancellation_reason', reasons) ?? null
  return cancelIntent(ctx, findIntent(ctx, id), reason)
}

export function captureIntentRoute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, [
    ...['amount_to_capture', 'application_fee_amount', 'expand', 'final_capture', 'metadata'],
    ...['statement_descriptor', 'statement_descriptor_suffix', 'transfer_data'],
  ])
  const intent = findIntent(ctx, id)
  intent.metadata = mergeMetadata(intent.metadata, params)
  return captureIntent(ctx, intent, optionalInteger(params, 'amount_to_capture'))
}
