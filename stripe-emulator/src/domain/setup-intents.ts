import type Stripe from 'stripe'
import { docUrl, StripeApiError, unexpectedState } from '../lib/errors'
import { idOf, newId, randomToken } from '../lib/ids'
import type { Ctx } from './context'
import type { DeletedCustomer } from './customer-objects'
import { attachPaymentMethod } from './customers'
import { emit } from './events'
import { markSetUp, type ResolvedPaymentMethod, resolvePaymentMethod } from './payment-method-records'
import { type Decline, needsAuthentication } from './payment-methods'
import { type ActionOptions, authenticationAction } from './three-d-secure'

export type SetupUsage = 'off_session' | 'on_session'

export interface SetupIntentDraft {
  customer: string | null
  description: string | null
  metadata: Record<string, string>
  usage: SetupUsage
  allowed_payment_method_types: string[] | null
  automatic_payment_methods: Stripe.SetupIntent.AutomaticPaymentMethods | null
}

/**
 * Shaped as openapi/fixtures3.json's `setup_intent` (with the card options Stripe's API reference shows). No
 * SetupAttempts are modelled: `latest_attempt` stays null.
 */
export function newSetupIntent(draft: SetupIntentDraft, created: number): Stripe.SetupIntent {
  const id = newId('seti')
  return {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: draft.allowed_payment_method_types,
    application: null,
    automatic_payment_methods: draft.automatic_payment_methods,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomToken(31)}`,
    created,
    customer: draft.customer,
    description: draft.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: draft.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: draft.usage,
  } satisfies Stripe.SetupIntent
}

/** The statuses a SetupIntent can be confirmed, canceled (or have its payment method changed) in. */
export const SETUP_CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action']

export function assertSetupStatus(intent: Stripe.SetupIntent, action: 'confirm' | 'cancel' | 'update'): void {
  if (SETUP_CONFIRMABLE.includes(intent.status)) return
  const done = action === 'cancel' ? 'canceled' : action === 'confirm' ? 'confirmed' : 'updated'
  throw unexpectedState(
    `You cannot ${action} this SetupIntent because it has a status of ${intent.status}. ` +
      `Only a SetupIntent with one of the following statuses may be ${done}: ${SETUP_CONFIRMABLE.join(', ')}.`,
    'setup_intent_unexpected_state',
  )
}

/**
 * Sets the card up: a declining test card is refused by the issuer (402 card_error, `setup_intent.setup_failed`);
 * a card with a 3-D Secure rule asks the customer to authenticate (`requires_action`, the customer being there
 * as a SetupIntent's customer is); any other succeeds.
 */
export function confirmSetupIntent(
  ctx: Ctx,
  intent: Stripe.SetupIntent,
  method: ResolvedPaymentMethod,
  options: ActionOptions,
): Stripe.SetupIntent {
  Object.assign(intent, { payment_method: method.id, last_setup_error: null, next_action: null })
  const { decline } = method.card
  if (method.card.refusesAttach && decline) declineSetup(ctx, intent, method, decline)
  if (needsAuthentication(method.card, false, method.setUp)) {
    Object.assign(intent, { status: 'requires_action', next_action: authenticationAction(options) })
    ctx.store.put(intent)
    emit(ctx, { type: 'setup_intent.requires_action', object: intent })
    return intent
  }
  return succeedSetup(ctx, intent, method)
}

/**
 * The card is set up: attached to the intent's customer when it has one and the card is not yet theirs
 * (`payment_method.attached`), and with `usage=off_session` set up for off-session payments, so a card such as
 * pm_card_authenticationRequiredOnSetup then needs no authentication off-session. Without a customer it stays
 * unattached (and not spent): it can be attached afterwards.
 */
function succeedSetup(ctx: Ctx, intent: Stripe.SetupIntent, method: ResolvedPaymentMethod) {
  const customerId = idOf(intent.customer)
  const found = customerId ? ctx.store.get<Stripe.Customer | DeletedCustomer>(customerId, 'customer') : null
  const customer = found && !found.deleted ? found : null
  if (customer && !method.paymentMethod.customer) attachPaymentMethod(ctx, method, customer)
  if (intent.usage === 'off_session') markSetUp(ctx.store, method.id)
  Object.assign(intent, { status: 'succeeded', next_action: null })
  ctx.store.put(intent)
  emit(ctx, { type: 'setup_intent.succeeded', object: intent })
  return intent
}

interface SetupFailure {
  type: 'card_error' | 'invalid_request_error'
  decline: Decline
  paymentMethod: Stripe.PaymentMethod
}

/** The attempt failed: back to `requires_payment_method` with `last_setup_error` (`setup_intent.setup_failed`). */
function failSetup(ctx: Ctx, intent: Stripe.SetupIntent, { type, decline, paymentMethod }: SetupFailure) {
  Object.assign(intent, {
    status: 'requires_payment_method',
    payment_method: null,
    next_action: null,
    last_setup_error: {
      type,
      code: decline.code,
      ...(decline.decline_code ? { decline_code: decline.decline_code } : {}),
      message: decline.message,
      doc_url: docUrl(decline.code),
      payment_method: structuredClone(paymentMethod),
      payment_method_type: paymentMethod.type,
    },
  } satisfies Partial<Stripe.SetupIntent>)
  ctx.store.put(intent)
  emit(ctx, { type: 'setup_intent.setup_failed', object: intent })
}

/** The issuer refuses to set the card up: saved as a failure, then thrown as Stripe's 402 card_error. */
function declineSetup(
  ctx: Ctx,
  intent: Stripe.SetupIntent,
  method: ResolvedPaymentMethod,
  decline: Decline,
): never {
  failSetup(ctx, intent, { type: 'card_error', decline, paymentMethod: method.paymentMethod })
  throw new StripeApiError(402, {
    type: 'card_error',
    ...decline,
    doc_url: docUrl(decline.code),
    setup_intent: structuredClone(intent),
    payment_method: structuredClone(method.paymentMethod),
    request_log_url: `https://dashboard.stripe.com/test/logs/${ctx.request.id}`,
  })
}

/**
 * Emulator-only stand-in for the customer's 3-D Secure answer on a SetupIntent in `requires_action`: `succeed`
 * sets the card up, `fail` leaves it `requires_payment_method` (`setup_intent_authentication_failure`).
 */
export function authenticateSetupIntent(ctx: Ctx, intent: Stripe.SetupIntent, outcome: 'succeed' | 'fail') {
  const methodId = idOf(intent.payment_method)
  if (intent.status !== 'requires_action' || !methodId) {
    throw unexpectedState(
      `SetupIntent ${intent.id} is not waiting for authentication (status ${intent.status}).`,
      'setup_intent_unexpected_state',
    )
  }
  const method = resolvePaymentMethod(ctx.store, methodId)
  if (outcome === 'succeed') return succeedSetup(ctx, intent, method)
  const decline = {
    code: 'setup_intent_authentication_failure',
    decline_code: '',
    message: 'The latest attempt to set up the payment method has failed because authentication failed.',
  }
  failSetup(ctx, intent, { type: 'invalid_request_error', decline, paymentMethod: method.paymentMethod })
  return intent
}

export function cancelSetupIntent(
  ctx: Ctx,
  intent: Stripe.SetupIntent,
  reason: Stripe.SetupIntent.CancellationReason | null,
): Stripe.SetupIntent {
  assertSetupStatus(intent, 'cancel')
  Object.assign(intent, { status: 'canceled', cancellation_reason: reason, next_action: null })
  ctx.store.put(intent)
  emit(ctx, { type: 'setup_intent.canceled', object: intent })
  return intent
}
