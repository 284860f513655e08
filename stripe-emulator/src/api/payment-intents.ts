import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { findCustomer, paymentMethodRefusal } from '../domain/customers'
import { emit } from '../domain/events'
import { cancelIntent, captureIntent } from '../domain/lifecycle'
import { CONFIRMABLE } from '../domain/confirm'
import { newPaymentIntent } from '../domain/objects'
import { paymentMethodId, resolvePaymentMethod } from '../domain/payment-method-records'
import { aboutIntent, invalidRequest, missingParam, unexpectedState } from '../lib/errors'
import type { Params } from '../lib/form'
import { idOf } from '../lib/ids'
import {
  hashOf,
  mergeMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  rejectUnknown,
} from '../lib/params'
import {
  assertClientSecret,
  assertConfirmOnly,
  CONFIRM_PARAMS,
  parseAmount,
  parseApplicationFee,
  parseAutomaticPaymentMethods,
  parseCaptureMethod,
  parseAllowedPaymentMethodTypes,
  parseConfirmationMethod,
  parseCurrency,
  parseSetupFutureUsage,
  parseTransferData,
  refusePaymentMethodTypes,
} from './intent-params'
import { LIST_PARAMS, paginate } from './list'
import { assertCanConfirm, confirmWith } from './confirm-intent'
import { findIntent } from './lookup'
import type { ApiRequest } from './types'

const CREATE_PARAMS = [
  ...CONFIRM_PARAMS,
  ...['amount', 'currency', 'metadata', 'automatic_payment_methods', 'capture_method', 'confirm'],
  ...['confirmation_method', 'transfer_data', 'application_fee_amount'],
  ...['description', 'customer', 'on_behalf_of', 'statement_descriptor', 'statement_descriptor_suffix'],
  'transfer_group',
]

const UPDATE_PARAMS = [
  ...['amount', 'currency', 'metadata', 'payment_method', 'description', 'receipt_email', 'capture_method'],
  ...['application_fee_amount', 'transfer_data', 'statement_descriptor', 'statement_descriptor_suffix'],
  ...['customer', 'transfer_group', 'allowed_payment_method_types', 'setup_future_usage', 'expand'],
]

/** `customer` names a customer of this account (400 resource_missing otherwise); '' unsets it on update. */
export function parseCustomer(ctx: Ctx, params: Params): string | null | undefined {
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
  refusePaymentMethodTypes(params)
  rejectUnknown(params, CREATE_PARAMS)
  parseConfirmationMethod(params)
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
    allowed_payment_method_types: parseAllowedPaymentMethodTypes(params) ?? null,
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
  assertConfirmOnly(params, confirm)
  if (confirm) assertCanConfirm(draft.automatic_payment_methods, params, method)
  const intent = newPaymentIntent(draft, ctx.store.now())
  if (method)
    Object.assign(intent, {
      payment_method: paymentMethodFor(ctx, method, draft.customer).id,
      status: 'requires_confirmation',
    })
  ctx.store.put(intent)
  emit(ctx, { type: 'payment_intent.created', object: intent })
  // The payment method resolved above (a test token became one already), not a second one from the token.
  return confirm ? confirmWith(ctx, intent, params, paymentMethodId(intent)) : intent
}

export function retrieveIntent({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand', 'client_secret'])
  const intent = findIntent(ctx, id)
  assertClientSecret(params, intent, 'PaymentIntent')
  return intent
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
  refusePaymentMethodTypes(params)
  rejectUnknown(params, UPDATE_PARAMS)
  const intent = findIntent(ctx, id)
  const methodFields = ['payment_method', 'capture_method', 'allowed_payment_method_types']
  for (const field of ['amount', 'currency', ...methodFields]) {
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
  const texts = ['description', 'receipt_email', 'transfer_group', 'statement_descriptor'] as const
  for (const field of [...texts, 'statement_descriptor_suffix'] as const) {
    const value = optionalString(params, field)
    if (value !== undefined) intent[field] = value === '' ? null : value
  }
  const allowed = parseAllowedPaymentMethodTypes(params)
  if (allowed !== undefined) intent.allowed_payment_method_types = allowed
  const transferAmount = parseTransferAmount(params, intent, amount)
  if (transferAmount !== undefined && intent.transfer_data) intent.transfer_data.amount = transferAmount
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

/**
 * `transfer_data[amount]` on update and capture (the destination is set at creation only): the intent must have
 * a destination, and the amount may not exceed what is charged (`limit`).
 */
function parseTransferAmount(params: Params, intent: Stripe.PaymentIntent, limit: number) {
  const hash = hashOf(params, 'transfer_data', ['amount'])
  if (!hash) return undefined
  const amount = optionalInteger(hash, 'amount')
  if (amount === undefined) throw missingParam('transfer_data[amount]')
  if (!intent.transfer_data) {
    throw invalidRequest(
      'transfer_data[amount] can only be set on a PaymentIntent with a transfer_data[destination].',
      { param: 'transfer_data[amount]' },
    )
  }
  if (amount < 0 || amount > limit) {
    throw invalidRequest(`The transfer_data[amount] must be between 0 and ${limit}.`, {
      param: 'transfer_data[amount]',
    })
  }
  return amount
}

/**
 * `POST /v1/payment_intents/:id/capture`: all or `amount_to_capture` of a hold; `application_fee_amount`,
 * `statement_descriptor[_suffix]` and `transfer_data[amount]` are set on the intent and its charge.
 * `final_capture` (multicapture) is not implemented, so it is refused as an unknown parameter.
 */
export function captureIntentRoute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, [
    ...['amount_to_capture', 'application_fee_amount', 'expand', 'metadata'],
    ...['statement_descriptor', 'statement_descriptor_suffix', 'transfer_data'],
  ])
  const intent = findIntent(ctx, id)
  const amountToCapture = optionalInteger(params, 'amount_to_capture')
  const captured = amountToCapture ?? intent.amount_capturable
  const changes = {
    application_fee_amount:
      parseApplicationFee(params, captured, intent.transfer_data, intent.on_behalf_of) ?? undefined,
    statement_descriptor: optionalString(params, 'statement_descriptor'),
    statement_descriptor_suffix: optionalString(params, 'statement_descriptor_suffix'),
    transfer_amount: parseTransferAmount(params, intent, captured),
  }
  intent.metadata = mergeMetadata(intent.metadata, params)
  return captureIntent(ctx, intent, amountToCapture, changes)
}
