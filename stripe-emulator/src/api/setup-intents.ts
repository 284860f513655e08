import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { paymentMethodRefusal } from '../domain/customers'
import { emit } from '../domain/events'
import { resolvePaymentMethod } from '../domain/payment-method-records'
import {
  assertSetupStatus,
  cancelSetupIntent,
  confirmSetupIntent,
  newSetupIntent,
} from '../domain/setup-intents'
import { aboutSetupIntent, resourceMissing, unexpectedState } from '../lib/errors'
import type { Params } from '../lib/form'
import { idOf } from '../lib/ids'
import { mergeMetadata, optionalBoolean, optionalEnum, optionalString, rejectUnknown } from '../lib/params'
import { actionOptions, assertCanConfirm } from './confirm-intent'
import {
  assertClientSecret,
  assertConfirmOnly,
  parseAllowedPaymentMethodTypes,
  parseAutomaticPaymentMethods,
  refusePaymentMethodTypes,
} from './intent-params'
import { LIST_PARAMS, paginate } from './list'
import { parseCustomer } from './payment-intents'
import type { ApiRequest } from './types'

/**
 * What the emulator takes; Stripe's others (`payment_method_options`, `payment_method_data`, `mandate_data`,
 * `on_behalf_of`, `single_use`, `flow_directions`, `attach_to_self`, `confirmation_token`…) are refused.
 */
const CREATE_PARAMS = [
  ...['allowed_payment_method_types', 'automatic_payment_methods', 'confirm', 'customer', 'description'],
  ...['expand', 'metadata', 'payment_method', 'return_url', 'usage', 'use_stripe_sdk'],
]
const UPDATE_PARAMS = [
  ...['allowed_payment_method_types', 'customer', 'description', 'expand', 'metadata', 'payment_method'],
]
const CONFIRM_PARAMS = ['client_secret', 'expand', 'payment_method', 'return_url', 'use_stripe_sdk']

/** Stripe's name for a SetupIntent in its 404 (`No such setupintent: 'seti_…'`). */
export function findSetupIntent(ctx: Ctx, id: string): Stripe.SetupIntent {
  const intent = ctx.store.get<Stripe.SetupIntent>(id, 'setup_intent')
  if (!intent) throw resourceMissing('setupintent', id, 'intent')
  return intent
}

/**
 * The PaymentMethod to set up: a test token becomes a new one; one of another customer, of a customer the
 * intent does not name, or spent, is refused as on a PaymentIntent (the error carries `intent` when given).
 */
function setupPaymentMethod(
  ctx: Ctx,
  idOrToken: string,
  customer: string | null,
  intent?: Stripe.SetupIntent,
) {
  const method = resolvePaymentMethod(ctx.store, idOrToken)
  const refusal = paymentMethodRefusal(method, customer, 'SetupIntent')
  if (refusal) throw intent ? aboutSetupIntent(refusal, intent) : refusal
  return method
}

function confirmWithMethod(ctx: Ctx, intent: Stripe.SetupIntent, params: Params, idOrToken: string | null) {
  if (!idOrToken) {
    throw aboutSetupIntent(
      unexpectedState(
        "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
        'setup_intent_unexpected_state',
      ),
      intent,
    )
  }
  const method = setupPaymentMethod(ctx, idOrToken, idOf(intent.customer), intent)
  return confirmSetupIntent(ctx, intent, method, actionOptions(params))
}

const parseUsage = (params: Params) =>
  optionalEnum(params, 'usage', ['off_session', 'on_session'] as const) ?? 'off_session'

/** `POST /v1/setup_intents` → `setup_intent.created`; with `confirm=true` it is confirmed at once. */
export function createSetupIntent({ ctx, params }: ApiRequest) {
  refusePaymentMethodTypes(params)
  rejectUnknown(params, CREATE_PARAMS)
  const automatic = parseAutomaticPaymentMethods(params)
  const customer = parseCustomer(ctx, params) ?? null
  const draft = {
    customer,
    description: optionalString(params, 'description') || null,
    metadata: mergeMetadata({}, params),
    usage: parseUsage(params),
    allowed_payment_method_types: parseAllowedPaymentMethodTypes(params) ?? null,
    automatic_payment_methods: automatic,
  }
  const confirm = optionalBoolean(params, 'confirm') ?? false
  assertConfirmOnly(params, confirm)
  const given = optionalString(params, 'payment_method')
  if (confirm) assertCanConfirm(automatic, params, given)
  const method = given ? setupPaymentMethod(ctx, given, customer) : null
  const intent = newSetupIntent(draft, ctx.store.now())
  if (method) Object.assign(intent, { payment_method: method.id, status: 'requires_confirmation' })
  ctx.store.put(intent)
  emit(ctx, { type: 'setup_intent.created', object: intent })
  return confirm ? confirmWithMethod(ctx, intent, params, method?.id ?? null) : intent
}

export function retrieveSetupIntent({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand', 'client_secret'])
  const intent = findSetupIntent(ctx, id)
  assertClientSecret(params, intent, 'SetupIntent')
  return intent
}

/** Newest first; filters `customer` and `payment_method`. */
export function listSetupIntents({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'customer', 'payment_method'])
  const customer = optionalString(params, 'customer')
  const paymentMethod = optionalString(params, 'payment_method')
  const intents = ctx.store
    .list<Stripe.SetupIntent>('setup_intent')
    .filter((intent) => !customer || idOf(intent.customer) === customer)
    .filter((intent) => !paymentMethod || idOf(intent.payment_method) === paymentMethod)
  return paginate(intents, params, '/v1/setup_intents')
}

/**
 * Metadata and description at any time; customer, payment method and allowed types only before it succeeds
 * or is canceled. A new payment method makes it `requires_confirmation`. No event (Stripe has no
 * `setup_intent.updated`).
 */
export function updateSetupIntent({ ctx, params, id }: ApiRequest) {
  refusePaymentMethodTypes(params)
  rejectUnknown(params, UPDATE_PARAMS)
  const intent = findSetupIntent(ctx, id)
  const setup = ['customer', 'payment_method', 'allowed_payment_method_types']
  if (setup.some((name) => params[name] !== undefined)) assertSetupStatus(intent, 'update')
  const customer = parseCustomer(ctx, params)
  const given = optionalString(params, 'payment_method')
  const owner = customer === undefined ? idOf(intent.customer) : customer
  const method = given ? setupPaymentMethod(ctx, given, owner, intent) : null
  const description = optionalString(params, 'description')
  if (description !== undefined) intent.description = description || null
  intent.metadata = mergeMetadata(intent.metadata ?? {}, params)
  const allowed = parseAllowedPaymentMethodTypes(params)
  if (allowed !== undefined) intent.allowed_payment_method_types = allowed
  if (customer !== undefined) intent.customer = customer
  if (method) {
    Object.assign(intent, { payment_method: method.id, status: 'requires_confirmation', next_action: null })
  }
  return ctx.store.put(intent)
}

/** `POST /v1/setup_intents/:id/confirm` with its own payment method or `payment_method`. */
export function confirmSetupIntentRoute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, CONFIRM_PARAMS)
  const intent = findSetupIntent(ctx, id)
  assertClientSecret(params, intent, 'SetupIntent')
  assertSetupStatus(intent, 'confirm')
  const idOrToken = optionalString(params, 'payment_method') || idOf(intent.payment_method)
  assertCanConfirm(intent.automatic_payment_methods, params, idOrToken ?? undefined)
  return confirmWithMethod(ctx, intent, params, idOrToken)
}

export function cancelSetupIntentRoute({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['cancellation_reason', 'expand'])
  const reasons = ['abandoned', 'duplicate', 'requested_by_customer'] as const
  const reason = optionalEnum(params, 'cancellation_reason', reasons) ?? null
  return cancelSetupIntent(ctx, findSetupIntent(ctx, id), reason)
}
