import { eq, or } from 'drizzle-orm'
import Stripe from 'stripe'
import { payments, refunds, type Refund } from '../../adapters/d1/schema'
import { ApiError } from '../../lib/errors'
import { applyDispute } from './disputes'
import { transferEvent } from './transfer-events'
import { accountEvent } from './connect-events'
import { depositIntentEvent } from './deposit-events'
import type { Services } from '../context'
import {
  catchUpWithIntent,
  findPayment,
  recordOnly,
  unknownObject,
  type EventRef,
  type WebhookDeps,
  type WebhookOutcome,
} from './event-support'
import { errorMessage, recordEventFailure } from '../../adapters/d1/event-failures'
import { applyStripeIntent } from '../payments/apply-intent'
import { applyRefund, importRefund } from '../payments/refunds'
import { settlePayoutOf } from '../payouts/settle-after'
import { callStripe, idOf, type StripeClient } from '../../adapters/stripe/client'
import type { Payment } from '../../adapters/d1/schema'

/** Verifies the signature on the raw body: a re-serialised body would not verify. */
export async function verifyEvent(
  stripe: StripeClient,
  rawBody: string,
  signature: string | undefined,
  secret: string,
) {
  if (!signature) throw new ApiError('invalid_signature', 'Missing Stripe-Signature header')
  // An empty key would accept a body anyone can sign: an endpoint without its secret accepts nothing.
  if (!secret) throw new ApiError('invalid_signature', 'This endpoint has no signing secret configured')
  let event: Stripe.Event
  try {
    event = await stripe.webhooks.constructEventAsync(rawBody, signature, secret)
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new ApiError('invalid_signature', 'Stripe-Signature does not match the body')
    }
    throw new ApiError('invalid_signature', 'The webhook body is not a Stripe event')
  }
  // constructEventAsync only parses the JSON: any signed JSON value would reach the handlers otherwise.
  if (!isEventShaped(event)) throw new ApiError('invalid_signature', 'The webhook body is not a Stripe event')
  return event
}

const isEventShaped = (event: unknown): event is Stripe.Event => {
  const candidate = event as { id?: unknown; type?: unknown; data?: { object?: unknown } } | null
  return (
    typeof candidate?.id === 'string' &&
    typeof candidate.type === 'string' &&
    typeof candidate.data?.object === 'object' &&
    candidate.data.object !== null
  )
}

/**
 * Each event id is applied once: the id is recorded in the same batch as the transition, so a redelivery
 * fails that batch on the primary key and changes nothing. Events are only signals: the object is re-read
 * from Stripe, so out-of-order deliveries apply the current truth and the state machine never goes back.
 * A handler that throws is recorded in stripe_event_failures (its attempts counted) and the error rethrown.
 */
export const handleEvent = (deps: Services, event: Stripe.Event) => applyOnce(deps, event, dispatch)

/** The same, for the events of connected accounts (POST /api/webhooks/stripe-connect). */
export const handleConnectEvent = (deps: Services, event: Stripe.Event) =>
  applyOnce(deps, event, dispatchConnect)

async function applyOnce(
  deps: Services,
  event: Stripe.Event,
  apply: (deps: WebhookDeps, event: Stripe.Event) => Promise<WebhookOutcome>,
): Promise<WebhookOutcome> {
  const seen = await deps.db.query.stripeEvents.findFirst({
    where: (table, { eq }) => eq(table.id, event.id),
  })
  if (seen) return 'duplicate'
  try {
    return await apply(deps, event)
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate'
    // Every failed try is counted (stripe_event_failures), whoever made it: the webhook or the cron's replay.
    await recordEventFailure(deps, event, error).catch((recordError: unknown) =>
      deps.logger.error('could not record a failed stripe event', {
        event_id: event.id,
        event_type: event.type,
        error: errorMessage(recordError),
      }),
    )
    throw error
  }
}

type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>
type EventHandlers = {
  [T in Stripe.Event.Type]?: (deps: WebhookDeps, event: EventOf<T>, ref: EventRef) => Promise<WebhookOutcome>
}

/** What each event type Backline acts on does; any other type is recorded and ignored. */
const handlers = {
  'payment_intent.created': (deps, event, ref) => intentEvent(deps, event.data.object, ref),
  'payment_intent.processing': (deps, event, ref) => intentEvent(deps, event.data.object, ref),
  'payment_intent.requires_action': (deps, event, ref) => intentEvent(deps, event.data.object, ref),
  'payment_intent.amount_capturable_updated': (deps, event, ref) => intentEvent(deps, event.data.object, ref),
  'payment_intent.succeeded': (deps, event, ref) => intentEvent(deps, event.data.object, ref),
  'payment_intent.payment_failed': (deps, event, ref) => intentEvent(deps, event.data.object, ref),
  'payment_intent.canceled': (deps, event, ref) => intentEvent(deps, event.data.object, ref),
  'refund.created': (deps, event, ref) => refundEvent(deps, event.data.object, ref),
  'refund.updated': (deps, event, ref) => refundEvent(deps, event.data.object, ref),
  'refund.failed': (deps, event, ref) => refundEvent(deps, event.data.object, ref),
  'charge.refund.updated': (deps, event, ref) => refundEvent(deps, event.data.object, ref),
  'charge.refunded': (deps, event, ref) => chargeRefundedEvent(deps, event.data.object, ref),
  'charge.expired': (deps, event, ref) => chargeExpiredEvent(deps, event.data.object, ref),
  'charge.dispute.created': (deps, event, ref) => applyDispute(deps, event.data.object, ref),
  'charge.dispute.updated': (deps, event, ref) => applyDispute(deps, event.data.object, ref),
  'charge.dispute.closed': (deps, event, ref) => applyDispute(deps, event.data.object, ref),
  // Owner payouts: the platform's transfers to connected accounts (use-cases/payouts/).
  'transfer.created': (deps, event, ref) => transferEvent(deps, event.data.object, ref),
  'transfer.updated': (deps, event, ref) => transferEvent(deps, event.data.object, ref),
  'transfer.reversed': (deps, event, ref) => transferEvent(deps, event.data.object, ref),
} satisfies EventHandlers

/** What each event of a connected account Backline acts on does (their own endpoint and secret). */
const connectHandlers = {
  'account.updated': accountEvent,
  'capability.updated': accountEvent,
  'payout.paid': accountEvent,
  'payout.failed': accountEvent,
} satisfies EventHandlers

type HandledType = keyof typeof handlers

/** The event types Backline acts on (the keys of its handlers): the Stripe endpoint should send these. */
export const HANDLED_EVENT_TYPES = Object.keys(handlers) as HandledType[]

/** The events of connected accounts the Connect endpoint should send. */
export const HANDLED_CONNECT_EVENT_TYPES = Object.keys(connectHandlers) as (keyof typeof connectHandlers)[]

type AnyHandler = (deps: WebhookDeps, event: Stripe.Event, ref: EventRef) => Promise<WebhookOutcome>

const dispatchWith =
  (table: EventHandlers) =>
  async (deps: WebhookDeps, event: Stripe.Event): Promise<WebhookOutcome> => {
    const ref = { id: event.id, type: event.type, created: event.created }
    const handle = Object.hasOwn(table, event.type)
      ? (table[event.type as keyof EventHandlers] as AnyHandler)
      : undefined
    if (!handle) {
      await recordOnly(deps.db, ref, null)
      return 'ignored'
    }
    return handle(deps, event, ref)
  }

const dispatch = dispatchWith(handlers)
const dispatchConnect = dispatchWith(connectHandlers)

async function intentEvent(
  deps: WebhookDeps,
  object: Stripe.PaymentIntent,
  ref: EventRef,
): Promise<WebhookOutcome> {
  const payment = await findPayment(deps.db, object.id)
  if (!payment) return depositOrUnknown(deps, ref, object, object.id)
  const intent = await callStripe(() => deps.stripe.paymentIntents.retrieve(object.id))
  await applyStripeIntent(deps, { payment, intent, source: 'webhook', event: ref })
  return 'applied'
}

async function refundEvent(deps: WebhookDeps, object: Stripe.Refund, ref: EventRef): Promise<WebhookOutcome> {
  const stripeRefund = await callStripe(() => deps.stripe.refunds.retrieve(object.id))
  const refund = await findOrImportRefund(deps, stripeRefund)
  // Not a payment's: a deposit's hold released (in part, by a capture; or in full) shows as a refund of its
  // charge (findOrImportRefund imports only refunds of a payment's intent).
  if (!refund) return depositOrUnknown(deps, ref, idOf(stripeRefund.payment_intent), object.id)
  const payment = await deps.db.query.payments.findFirst({ where: eq(payments.id, refund.paymentId) })
  if (payment?.stripePaymentIntentId) await catchUpWithIntent(deps, payment, payment.stripePaymentIntentId)
  await applyRefund(deps.db, { refund, stripeRefund, source: 'webhook', event: ref })
  await settlePayoutOf(deps, { kind: 'rental', id: refund.paymentId }, 'webhook')
  return 'applied'
}

/** charge.refunded carries the charge: every refund of its intent is re-read and applied. */
async function chargeRefundedEvent(
  deps: WebhookDeps,
  charge: Stripe.Charge,
  ref: EventRef,
): Promise<WebhookOutcome> {
  const intentId = idOf(charge.payment_intent)
  const found = intentId ? await findPayment(deps.db, intentId) : undefined
  if (!found || !intentId) return depositOrUnknown(deps, ref, intentId, charge.id)
  const list = await callStripe(() => deps.stripe.refunds.list({ payment_intent: intentId, limit: 100 }))
  // Recorded first (pending: no money moves yet), so that a catch-up that completes the payment counts them as
  // on their way rather than owing them again; then applied on the caught-up payment.
  const known: [Refund, Stripe.Refund][] = []
  for (const stripeRefund of list.data) {
    const refund = await findOrImportRefund(deps, stripeRefund, found)
    if (refund) known.push([refund, stripeRefund])
  }
  await catchUpWithIntent(deps, found, intentId)
  for (const [refund, stripeRefund] of known)
    await applyRefund(deps.db, { refund, stripeRefund, source: 'webhook' })
  await settlePayoutOf(deps, { kind: 'rental', id: found.id }, 'webhook')
  await recordOnly(deps.db, ref, charge.id)
  return 'applied'
}

/** charge.expired: a deposit's hold that Stripe let lapse (payments are captured at once, so never theirs). */
async function chargeExpiredEvent(
  deps: WebhookDeps,
  charge: Stripe.Charge,
  ref: EventRef,
): Promise<WebhookOutcome> {
  return depositOrUnknown(deps, ref, idOf(charge.payment_intent), charge.id)
}

/** An event about a deposit's intent (`intent`, or its id), applied; otherwise about nothing Backline has. */
async function depositOrUnknown(
  deps: WebhookDeps,
  ref: EventRef,
  intent: string | { id: string; metadata?: Stripe.Metadata | null } | null | undefined,
  objectId: string,
): Promise<WebhookOutcome> {
  const forDeposit = intent
    ? await depositIntentEvent(deps, typeof intent === 'string' ? { id: intent } : intent, ref)
    : undefined
  return forDeposit ?? unknownObject(deps, ref, objectId)
}

/** Our refund for Stripe's, or (made in the dashboard) a new record of it under `payment` when known. */
async function findOrImportRefund(deps: WebhookDeps, stripeRefund: Stripe.Refund, payment?: Payment) {
  const ours = stripeRefund.metadata?.refund_id
  const refund = await deps.db.query.refunds.findFirst({
    where: ours
      ? or(eq(refunds.stripeRefundId, stripeRefund.id), eq(refunds.id, ours))
      : eq(refunds.stripeRefundId, stripeRefund.id),
  })
  if (refund) return refund
  // A refund made outside Backline (the Stripe dashboard): recorded so that amount_refunded stays true.
  const intentId = idOf(stripeRefund.payment_intent)
  const owner = payment ?? (intentId ? await findPayment(deps.db, intentId) : undefined)
  return owner ? importRefund(deps.db, owner, stripeRefund, 'webhook') : undefined
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Error &&
  /UNIQUE constraint failed: stripe_events\.id/.test(`${error.message} ${String(error.cause ?? '')}`)
