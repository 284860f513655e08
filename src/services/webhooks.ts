import { eq, or } from 'drizzle-orm'
import Stripe from 'stripe'
import type { Database } from '../db/client'
import { payments, refunds } from '../db/schema'
import { ApiError } from '../lib/errors'
import type { Logger } from '../lib/logger'
import { nowIso } from '../lib/time'
import { applyDispute } from './disputes'
import { applyIntent, type Payment } from './payment-intents'
import { recordEventStatement } from './payment-statements'
import { settleCompletedPayment } from './payments'
import { applyRefund, importRefund } from './refunds'
import { callStripe, idOf } from './stripe'

export interface WebhookDeps {
  db: Database
  stripe: Stripe
  logger: Logger
}

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_object'

/** The event types Backline acts on; the webhook endpoint in Stripe should be subscribed to these. */
export const HANDLED_EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.refund.updated',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
] as const satisfies readonly Stripe.Event.Type[]

/** Verifies the signature on the raw body: a re-serialised body would not verify. */
export async function verifyEvent(
  stripe: Stripe,
  rawBody: string,
  signature: string | undefined,
  secret: string,
) {
  if (!signature) throw new ApiError('invalid_signature', 'Missing Stripe-Signature header')
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
 */
export async function handleEvent(deps: WebhookDeps, event: Stripe.Event): Promise<WebhookOutcome> {
  const seen = await deps.db.query.stripeEvents.findFirst({
    where: (table, { eq }) => eq(table.id, event.id),
  })
  if (seen) return 'duplicate'
  try {
    return await dispatch(deps, event)
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate'
    throw error
  }
}

async function dispatch(deps: WebhookDeps, event: Stripe.Event): Promise<WebhookOutcome> {
  const ref = { id: event.id, type: event.type }
  switch (event.type) {
    case 'payment_intent.created':
    case 'payment_intent.processing':
    case 'payment_intent.requires_action':
    case 'payment_intent.amount_capturable_updated':
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled':
      return intentEvent(deps, event.data.object, ref)
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated':
      return refundEvent(deps, event.data.object, ref)
    case 'charge.refunded':
      return chargeRefundedEvent(deps, event.data.object, ref)
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed':
      return applyDispute(deps, event.data.object, ref)
    default:
      await recordOnly(deps.db, ref, null)
      return 'ignored'
  }
}

async function intentEvent(
  deps: WebhookDeps,
  object: Stripe.PaymentIntent,
  ref: EventRef,
): Promise<WebhookOutcome> {
  const payment = await findPayment(deps.db, object.id, object.metadata?.payment_id)
  if (!payment || payment.stripePaymentIntentId !== object.id) return unknownObject(deps, ref, object.id)
  const intent = await callStripe(() => deps.stripe.paymentIntents.retrieve(object.id))
  const applied = await applyIntent(deps.db, { payment, intent, source: 'webhook', event: ref })
  await settleCompletedPayment(deps, applied, 'webhook')
  return 'applied'
}

async function refundEvent(deps: WebhookDeps, object: Stripe.Refund, ref: EventRef): Promise<WebhookOutcome> {
  const stripeRefund = await callStripe(() => deps.stripe.refunds.retrieve(object.id))
  const refund = await findOrImportRefund(deps, stripeRefund)
  if (!refund) return unknownObject(deps, ref, object.id)
  await applyRefund(deps.db, { refund, stripeRefund, source: 'webhook', event: ref })
  return 'applied'
}

/** charge.refunded carries the charge: every refund of its intent is re-read and applied. */
async function chargeRefundedEvent(
  deps: WebhookDeps,
  charge: Stripe.Charge,
  ref: EventRef,
): Promise<WebhookOutcome> {
  const intentId = idOf(charge.payment_intent)
  const payment = intentId ? await findPayment(deps.db, intentId) : undefined
  if (!payment || !intentId) return unknownObject(deps, ref, charge.id)
  const list = await callStripe(() => deps.stripe.refunds.list({ payment_intent: intentId, limit: 100 }))
  for (const stripeRefund of list.data) {
    const refund = await findOrImportRefund(deps, stripeRefund)
    if (refund) await applyRefund(deps.db, { refund, stripeRefund, source: 'webhook' })
  }
  await recordOnly(deps.db, ref, charge.id)
  return 'applied'
}

type EventRef = { id: string; type: string }

async function findOrImportRefund(deps: WebhookDeps, stripeRefund: Stripe.Refund) {
  const ours = stripeRefund.metadata?.refund_id
  const refund = await deps.db.query.refunds.findFirst({
    where: ours
      ? or(eq(refunds.stripeRefundId, stripeRefund.id), eq(refunds.id, ours))
      : eq(refunds.stripeRefundId, stripeRefund.id),
  })
  if (refund) return refund
  // A refund made outside Backline (the Stripe dashboard): recorded so that amount_refunded stays true.
  const intentId = idOf(stripeRefund.payment_intent)
  const payment = intentId ? await findPayment(deps.db, intentId) : undefined
  return payment ? importRefund(deps.db, payment, stripeRefund) : undefined
}

export async function findPayment(
  db: Database,
  intentId: string,
  paymentId?: string,
): Promise<Payment | undefined> {
  return db.query.payments.findFirst({
    where: paymentId
      ? or(eq(payments.stripePaymentIntentId, intentId), eq(payments.id, paymentId))
      : eq(payments.stripePaymentIntentId, intentId),
  })
}

async function unknownObject(deps: WebhookDeps, ref: EventRef, objectId: string): Promise<WebhookOutcome> {
  deps.logger.warn('stripe event for an unknown object', {
    event_id: ref.id,
    event_type: ref.type,
    object_id: objectId,
  })
  await recordOnly(deps.db, ref, objectId)
  return 'unknown_object'
}

export async function recordOnly(db: Database, ref: EventRef, objectId: string | null) {
  await recordEventStatement(db, { ...ref, objectId }, nowIso()).run()
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Error &&
  /UNIQUE constraint failed: stripe_events\.id/.test(`${error.message} ${String(error.cause ?? '')}`)
