import { and, eq, isNull, notInArray, sql } from 'drizzle-orm'
import Stripe from 'stripe'
import { prepare, runBatch, selectRows, type Database } from '../db/client'
import { payments, refunds, type RefundStatus } from '../db/schema'
import type { AuthUser } from '../env'
import { ApiError } from '../lib/errors'
import { newId } from '../lib/ids'
import { nowIso } from '../lib/time'
import type { Payment } from './payment-intents'
import {
  statusFromRefunds,
  cancelRefundedRentalStatements,
  recordEventStatement,
  type TransitionSource,
} from './payment-statements'
import { auditRows } from './audit'
import { callStripe, stripeFailure } from './stripe'

export type Refund = typeof refunds.$inferSelect

export const REFUNDABLE_STATUSES = ['completed', 'partially_refunded'] as const
/** A refund in these states holds its amount: it is on its way, not yet succeeded or failed. */
export const IN_FLIGHT_REFUND_STATUSES = ['pending', 'requires_action'] as const
export const STRIPE_REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const
type StripeRefundReason = (typeof STRIPE_REFUND_REASONS)[number]

/** Refunds are the listing owner's or an admin's to make; the renter gets 403, anyone else 404. */
export async function paymentForRefund(db: Database, user: AuthUser, paymentId: string): Promise<Payment> {
  const payment = await db.query.payments.findFirst({ where: eq(payments.id, paymentId) })
  const involved = payment && (payment.ownerId === user.id || payment.renterId === user.id)
  if (!payment || (!involved && user.role !== 'admin'))
    throw new ApiError('payment_not_found', 'Payment not found')
  if (payment.ownerId !== user.id && user.role !== 'admin') {
    throw new ApiError('not_owner', 'Only the listing owner or an admin can refund a payment')
  }
  return payment
}

export interface RefundRequest {
  amount?: number
  reason?: StripeRefundReason
}

/**
 * Reserves the amount in D1 first (a conditional insert: concurrent refunds cannot exceed what remains), then
 * asks Stripe with an idempotency key derived from the reservation, then applies Stripe's answer in one batch.
 * If Stripe's answer never comes the reservation stays unanswered, and the next request re-sends that very
 * refund with the same key, so a retry never refunds twice.
 */
export async function refundPayment(
  db: Database,
  stripe: Stripe,
  user: AuthUser,
  paymentId: string,
  request: RefundRequest,
): Promise<{ payment: Payment; refund: Refund }> {
  const payment = await paymentForRefund(db, user, paymentId)
  return createRefund(db, stripe, payment, request, user.id)
}

/** Sends a refund of a payment to Stripe, exactly once; callers have authorized it. */
export async function createRefund(
  db: Database,
  stripe: Stripe,
  payment: Payment,
  request: RefundRequest,
  actorId: string | null,
): Promise<{ payment: Payment; refund: Refund }> {
  const unanswered = await unansweredRefund(db, payment.id)
  // The request after one that never heard back from Stripe is its retry, even when a webhook has settled it
  // meanwhile: it is sent again with the same key, and Stripe answers with that same refund.
  if (unanswered && (request.amount === undefined || request.amount === unanswered.amount)) {
    return resendRefund(db, stripe, payment, unanswered, actorId)
  }
  if (unanswered?.status === 'pending') {
    throw new ApiError(
      'refund_in_progress',
      'An earlier refund of this payment is still being sent to Stripe; retry',
    )
  }
  // Settled by Stripe meanwhile, and this request asks for another amount: the earlier one is linked first.
  if (unanswered) await resendRefund(db, stripe, payment, unanswered, actorId)
  if (
    !(REFUNDABLE_STATUSES as readonly string[]).includes(payment.status) ||
    !payment.stripePaymentIntentId
  ) {
    throw new ApiError('payment_not_refundable', `A ${payment.status} payment cannot be refunded`)
  }
  return sendRefund(db, stripe, payment, await reserveRefund(db, actorId, payment, request), actorId)
}

async function sendRefund(
  db: Database,
  stripe: Stripe,
  payment: Payment,
  reservation: Refund,
  actorId: string | null,
) {
  const intentId = payment.stripePaymentIntentId!
  let stripeRefund: Stripe.Refund
  try {
    stripeRefund = await stripe.refunds.create(
      {
        payment_intent: intentId,
        amount: reservation.amount,
        ...(reservation.reason && isStripeReason(reservation.reason) ? { reason: reservation.reason } : {}),
        metadata: { payment_id: payment.id, refund_id: reservation.id },
      },
      { idempotencyKey: `backline:refund:${reservation.id}` },
    )
  } catch (error) {
    // Stripe said no for good (e.g. the charge was already refunded in the dashboard): the reservation is
    // released so it neither blocks the amount nor gets re-sent. An outage keeps it for the retry.
    if (error instanceof Stripe.errors.StripeInvalidRequestError)
      await releaseReservation(db, reservation, error.code)
    throw stripeFailure(error) ?? error
  }
  return applyRefund(db, { refund: reservation, stripeRefund, source: 'api', actorId })
}

const releaseReservation = (db: Database, reservation: Refund, reason: string | undefined) =>
  db
    .update(refunds)
    .set({ status: 'failed', failureReason: reason ?? 'refused_by_stripe', updatedAt: nowIso() })
    .where(and(eq(refunds.id, reservation.id), isNull(refunds.stripeRefundId), eq(refunds.status, 'pending')))

/**
 * Sends again a refund whose Stripe call never answered (its reservation has no Stripe id). Stripe keeps
 * idempotency keys for about 24 hours: the refund is looked for first, so a late retry cannot make a second one.
 */
export async function resendRefund(
  db: Database,
  stripe: Stripe,
  payment: Payment,
  reservation: Refund,
  actorId: string | null,
) {
  const intentId = payment.stripePaymentIntentId!
  const made = await callStripe(() => stripe.refunds.list({ payment_intent: intentId, limit: 100 }))
  const stripeRefund = made.data.find((candidate) => candidate.metadata?.refund_id === reservation.id)
  if (!stripeRefund) return sendRefund(db, stripe, payment, reservation, actorId)
  return applyRefund(db, { refund: reservation, stripeRefund, source: 'api', actorId })
}

const isStripeReason = (reason: string): reason is StripeRefundReason =>
  (STRIPE_REFUND_REASONS as readonly string[]).includes(reason)

/**
 * A refund whose creation the API has not heard back about (no Stripe id yet: only the API's own answer links
 * it). Webhooks may already have settled it; one that failed or was canceled needs no retry.
 */
const unansweredRefund = (db: Database, paymentId: string) =>
  db.query.refunds.findFirst({
    where: and(
      eq(refunds.paymentId, paymentId),
      isNull(refunds.stripeRefundId),
      notInArray(refunds.status, ['failed', 'canceled']),
    ),
  })

async function reserveRefund(db: Database, actorId: string | null, payment: Payment, request: RefundRequest) {
  const id = newId('ref')
  const now = nowIso()
  const amount = request.amount ?? sql`(SELECT remaining FROM refundable)`
  const [inserted] = await db.all<Refund>(sql`
    WITH refundable AS (
      SELECT payments.amount - payments.amount_refunded - COALESCE((
        SELECT SUM(refunds.amount) FROM refunds
        WHERE refunds.payment_id = payments.id AND refunds.status IN ${IN_FLIGHT_REFUND_STATUSES}
      ), 0) AS remaining
      FROM payments WHERE payments.id = ${payment.id} AND payments.status IN ('completed', 'partially_refunded')
    )
    INSERT INTO refunds (id, payment_id, amount, currency, status, reason, requested_by, created_at, updated_at)
    SELECT ${id}, ${payment.id}, ${amount}, ${payment.currency}, 'pending', ${request.reason ?? null},
           ${actorId}, ${now}, ${now}
    FROM refundable WHERE remaining > 0 AND remaining >= ${amount}
    RETURNING id, payment_id AS paymentId, stripe_refund_id AS stripeRefundId, amount, currency, status, reason,
              failure_reason AS failureReason, requested_by AS requestedBy, created_at AS createdAt,
              updated_at AS updatedAt`)
  if (!inserted) {
    throw new ApiError('refund_exceeds_remaining', 'The refund exceeds what remains of this payment', {
      errors: [{ path: 'body.amount', message: 'Greater than the amount not yet refunded' }],
    })
  }
  return inserted
}

const asStatus = (status: string | null): RefundStatus =>
  status === 'succeeded' || status === 'failed' || status === 'canceled' || status === 'requires_action'
    ? status
    : 'pending'

export interface ApplyRefund {
  refund: Refund
  stripeRefund: Stripe.Refund
  source: TransitionSource
  actorId?: string | null
  event?: { id: string; type: string }
}

/**
 * Applies a Stripe refund's status to our refund row and the payment. Only the transitions into and out of
 * `succeeded` move money: into it adds the amount to amount_refunded, out of it (a refund that fails later)
 * takes it back. Each is conditional on the row's current status, so a repeat changes nothing.
 */
export async function applyRefund(
  db: Database,
  change: ApplyRefund,
): Promise<{ payment: Payment; refund: Refund }> {
  const now = nowIso()
  const status = asStatus(change.stripeRefund.status)
  const { refund } = change
  const statements: D1PreparedStatement[] = []
  if (change.event) {
    statements.push(recordEventStatement(db, { ...change.event, objectId: change.stripeRefund.id }, now))
  }
  const mine = sql`id = ${refund.id} AND (stripe_refund_id IS NULL OR stripe_refund_id = ${change.stripeRefund.id})`
  statements.push(
    auditRows(db, 'refund', mine, {
      to: status,
      source: change.source,
      now,
      actorId: change.actorId,
    }),
  )
  if (status === 'succeeded') statements.push(...moveRefundedAmount(db, refund, +1, change.source, now))
  if (status === 'failed' || status === 'canceled')
    statements.push(...moveRefundedAmount(db, refund, -1, change.source, now))
  const failureReason = change.stripeRefund.failure_reason ?? null
  // Only the API's own answer links a refund it created: until then its request counts as unanswered, and the
  // client's retry must get this refund back rather than make a second one (see createRefund).
  const stripeId = change.source === 'webhook' ? sql`stripe_refund_id` : sql`${change.stripeRefund.id}`
  // Conditional on a change, so that a repeated webhook leaves the row (and its updated_at) untouched.
  const changed = sql`(stripe_refund_id IS NOT ${stripeId} OR status <> ${status} OR failure_reason IS NOT ${failureReason})`
  statements.push(
    prepare(
      db,
      sql`UPDATE refunds SET stripe_refund_id = ${stripeId}, status = ${status},
      failure_reason = ${failureReason}, updated_at = ${now} WHERE ${mine} AND ${changed}`,
    ),
    ...cancelRefundedRentalStatements(db, refund.paymentId, change.source, now),
  )
  const [payment, stored] = await readBack(db, statements, refund)
  return { payment, refund: stored }
}

/**
 * +1: a refund reaches succeeded (from any other status); -1: a succeeded refund fails afterwards.
 * The payment's status follows from amount_refunded.
 */
function moveRefundedAmount(
  db: Database,
  refund: Refund,
  sign: 1 | -1,
  source: TransitionSource,
  now: string,
) {
  const fromSucceeded = sign === 1 ? sql`status <> 'succeeded'` : sql`status = 'succeeded'`
  const guard = sql`EXISTS (SELECT 1 FROM refunds WHERE refunds.id = ${refund.id} AND ${fromSucceeded})`
  const refunded = sql`amount_refunded + ${sign * refund.amount}`
  // A payment under dispute stays disputed; the dispute's close decides what it returns to.
  const nextStatus = sql`CASE WHEN status = 'disputed' THEN 'disputed' ELSE ${statusFromRefunds(refunded)} END`
  const where = sql`id = ${refund.paymentId} AND ${guard}`
  return [
    auditRows(db, 'payment', where, {
      to: nextStatus,
      source,
      now,
      detail: `${sign === 1 ? 'refund succeeded' : 'refund reversed'}: ${refund.id}`,
      sameStatusToo: true,
    }),
    prepare(
      db,
      sql`UPDATE payments SET amount_refunded = ${refunded}, status = ${nextStatus},
      refunded_at = CASE WHEN ${sign} > 0 THEN ${now} ELSE refunded_at END, updated_at = ${now} WHERE ${where}`,
    ),
  ]
}

async function readBack(db: Database, statements: D1PreparedStatement[], refund: Refund) {
  const results = await runBatch(db, [
    ...statements,
    selectRows(db, payments, sql`id = ${refund.paymentId}`),
    selectRows(db, refunds, sql`id = ${refund.id}`),
  ])
  const payment = results.at(-2)!.results[0] as Payment
  const stored = results.at(-1)!.results[0] as Refund
  return [payment, stored] as const
}

/** Records a refund that was made outside Backline (e.g. in the Stripe dashboard), once. */
export async function importRefund(
  db: Database,
  payment: Payment,
  stripeRefund: Stripe.Refund,
): Promise<Refund | undefined> {
  const now = nowIso()
  await db
    .insert(refunds)
    .values({
      id: newId('ref'),
      paymentId: payment.id,
      stripeRefundId: stripeRefund.id,
      amount: stripeRefund.amount,
      currency: stripeRefund.currency,
      status: 'pending',
      reason: stripeRefund.reason ?? null,
      requestedBy: null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
  return db.query.refunds.findFirst({ where: eq(refunds.stripeRefundId, stripeRefund.id) })
}
