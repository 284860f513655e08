import { and, eq, isNull, notInArray, sql, type SQL } from 'drizzle-orm'
import Stripe from 'stripe'
import {
  prepare,
  prepareBuilt,
  runBatch,
  runBatchNamed,
  selectRows,
  type Database,
} from '../../adapters/d1/client'
import { payments, refunds } from '../../adapters/d1/schema'
import { allowedMoves, PAID_STATUSES, refundMachine, type RefundStatus } from '../../domain/state-machines'
import { ApiError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import {
  statusFromRefunds,
  cancelRefundedRentalStatements,
  recordEventStatement,
  type TransitionSource,
} from '../../adapters/d1/payment-statements'
import { transition } from '../../adapters/d1/transitions'
import { auditIfChanged } from '../../adapters/d1/audit'
import { followOwedStatements } from '../../adapters/d1/payout-statements'
import { issueCreditNoteReversalStatement, issueCreditNoteStatement } from '../../adapters/d1/documents'
import { callStripe, stripeFailure, type StripeClient } from '../../adapters/stripe/client'
import type { Payment, Refund } from '../../adapters/d1/schema'

export const REFUNDABLE_STATUSES = ['completed', 'partially_refunded', 'refund_failed'] as const
/** A refund in these states holds its amount: it is on its way, not yet succeeded or failed. */
export const IN_FLIGHT_REFUND_STATUSES = ['pending', 'requires_action'] as const
export const STRIPE_REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const
type StripeRefundReason = (typeof STRIPE_REFUND_REASONS)[number]

/** Who sends a refund: the user who asked (none when Backline refunds on its own), and from where. */
export interface RefundBy {
  actorId: string | null
  source: TransitionSource
}

export interface RefundRequest {
  amount?: number
  reason?: StripeRefundReason
}

/** Sends a refund of a payment to Stripe, exactly once; callers have authorized it. */
export async function createRefund(
  db: Database,
  stripe: StripeClient,
  payment: Payment,
  request: RefundRequest,
  by: RefundBy,
): Promise<{ payment: Payment; refund: Refund }> {
  const unanswered = await unansweredRefund(db, payment.id)
  // The request after one that never heard back from Stripe is its retry, even when a webhook has settled it
  // meanwhile: it is sent again with the same key, and Stripe answers with that same refund.
  if (unanswered && (request.amount === undefined || request.amount === unanswered.amount)) {
    return resendRefund(db, stripe, payment, unanswered, by)
  }
  if (unanswered?.status === 'pending') {
    throw new ApiError(
      'refund_in_progress',
      'An earlier refund of this payment is still being sent to Stripe; retry',
    )
  }
  // Settled by Stripe meanwhile, and this request asks for another amount: the earlier one is linked first.
  if (unanswered) await resendRefund(db, stripe, payment, unanswered, by)
  if (
    !(REFUNDABLE_STATUSES as readonly string[]).includes(payment.status) ||
    !payment.stripePaymentIntentId
  ) {
    throw new ApiError('payment_not_refundable', `A ${payment.status} payment cannot be refunded`)
  }
  return sendRefund(db, stripe, payment, await reserveRefund(db, by, payment, request), by)
}

/** Sends a reserved refund to Stripe with the idempotency key of its reservation, and applies the answer. */
export async function sendRefund(
  db: Database,
  stripe: StripeClient,
  payment: Payment,
  reservation: Refund,
  by: RefundBy,
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
      await releaseReservation(db, reservation, error.code, by.source)
    throw stripeFailure(error) ?? error
  }
  return applyAnswer(db, stripe, { refund: reservation, stripeRefund, ...by })
}

/**
 * Applies the API's own answer from Stripe. That answer may be older than what a webhook applied meanwhile
 * (a refund answered `succeeded` that has failed since, or `pending` that has succeeded): the forward-only
 * table refuses to go back, and when the stored status and the answer disagree the refund is read again from
 * Stripe and that, the current truth, is applied.
 */
async function applyAnswer(db: Database, stripe: StripeClient, change: ApplyRefund) {
  const applied = await applyRefund(db, change)
  if (applied.refund.status === change.stripeRefund.status) return applied
  const id = change.stripeRefund.id
  const current = await callStripe(() => stripe.refunds.retrieve(id))
  return applyRefund(db, { ...change, refund: applied.refund, stripeRefund: current })
}

const releaseReservation = (
  db: Database,
  reservation: Refund,
  reason: string | undefined,
  source: TransitionSource,
) => {
  const now = nowIso()
  return runBatch(db, [
    // The payment is touched too, so that the cron's look-back over recent payments sees money owed again.
    prepare(db, sql`UPDATE payments SET updated_at = ${now} WHERE id = ${reservation.paymentId}`),
    ...transition(db, 'refund', {
      where: sql`id = ${reservation.id} AND stripe_refund_id IS NULL`,
      on: 'refused',
      to: 'failed',
      source,
      now,
      detail: 'refused by Stripe',
      set: sql`failure_reason = ${reason ?? 'refused_by_stripe'}`,
    }),
  ])
}

/**
 * Sends again a refund whose Stripe call never answered (its reservation has no Stripe id). Stripe keeps
 * idempotency keys for about 24 hours: the refund is looked for first, so a late retry cannot make a second one.
 */
export async function resendRefund(
  db: Database,
  stripe: StripeClient,
  payment: Payment,
  reservation: Refund,
  by: RefundBy,
) {
  const intentId = payment.stripePaymentIntentId!
  const made = await callStripe(() => stripe.refunds.list({ payment_intent: intentId, limit: 100 }))
  const stripeRefund = made.data.find((candidate) => candidate.metadata?.refund_id === reservation.id)
  if (!stripeRefund) return sendRefund(db, stripe, payment, reservation, by)
  return applyAnswer(db, stripe, { refund: reservation, stripeRefund, ...by })
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

/**
 * A refund reserved in the same batch as the statement just before it, and only if that statement changed a
 * row (a cancellation that went through), with its audit row: the amount is not sent to Stripe until the batch
 * is committed.
 */
export function reserveRefundAfter(
  db: Database,
  refund: {
    id: string
    payment: Payment
    amount: number
    reason: StripeRefundReason
    actorId: string | null
    source: TransitionSource
  },
  now: string,
) {
  return [
    prepare(
      db,
      sql`INSERT INTO refunds (id, payment_id, amount, currency, status, reason, requested_by, created_at, updated_at)
      SELECT ${refund.id}, ${refund.payment.id}, ${refund.amount}, ${refund.payment.currency}, 'pending',
             ${refund.reason}, ${refund.actorId}, ${now}, ${now}
      WHERE changes() = 1`,
    ),
    refundCreated(db, refund.id, { source: refund.source, actorId: refund.actorId, now }),
  ] as const
}

/**
 * The audit row of a refund reserved by the statement just before it in the batch (refundMachine's move from
 * nothing to pending), written only if that statement made it.
 */
const refundCreated = (
  db: Database,
  id: string,
  entry: { source: TransitionSource; actorId: string | null; now: string; detail?: string },
) => auditIfChanged(db, 'refund', id, { to: 'pending', ...entry })

/** Runs a refund's reserving INSERT … RETURNING with its audit row; the refund, when one was reserved. */
async function reserveWithAudit(db: Database, insert: SQL, audit: D1PreparedStatement) {
  const read = await runBatchNamed(db, [], { insert: prepare(db, insert), audit })
  return read.insert.results[0] as Refund | undefined
}

const REFUND_COLUMNS =
  sql.raw(`id, payment_id AS paymentId, stripe_refund_id AS stripeRefundId, amount, currency,
  status, reason, failure_reason AS failureReason, requested_by AS requestedBy, created_at AS createdAt,
  updated_at AS updatedAt`)

/**
 * Reserves what a cancelled rental's renter is still owed: rentals.refund_due (all that was paid when null)
 * less what is refunded and what is on its way. Undefined when nothing is owed.
 */
export async function reserveOwedRefund(
  db: Database,
  payment: Payment,
  source: TransitionSource,
): Promise<Refund | undefined> {
  const id = newId('ref')
  const now = nowIso()
  const insert = sql`
    WITH owed AS (
      SELECT COALESCE(rentals.refund_due, payments.amount) - payments.amount_refunded - COALESCE((
        SELECT SUM(refunds.amount) FROM refunds
        WHERE refunds.payment_id = payments.id AND refunds.status IN ${IN_FLIGHT_REFUND_STATUSES}
      ), 0) AS amount
      FROM payments JOIN rentals ON rentals.id = payments.rental_id
      WHERE payments.id = ${payment.id} AND rentals.status = 'cancelled'
        AND payments.status IN ${PAID_STATUSES}
    )
    INSERT INTO refunds (id, payment_id, amount, currency, status, reason, requested_by, created_at, updated_at)
    SELECT ${id}, ${payment.id}, owed.amount, ${payment.currency}, 'pending', NULL, NULL, ${now}, ${now}
    FROM owed WHERE owed.amount > 0
    RETURNING ${REFUND_COLUMNS}`
  const detail = 'owed to the renter of a cancelled rental'
  return reserveWithAudit(db, insert, refundCreated(db, id, { source, actorId: null, now, detail }))
}

async function reserveRefund(db: Database, by: RefundBy, payment: Payment, request: RefundRequest) {
  const id = newId('ref')
  const now = nowIso()
  const amount = request.amount ?? sql`(SELECT remaining FROM refundable)`
  const insert = sql`
    WITH refundable AS (
      SELECT payments.amount - payments.amount_refunded - COALESCE((
        SELECT SUM(refunds.amount) FROM refunds
        WHERE refunds.payment_id = payments.id AND refunds.status IN ${IN_FLIGHT_REFUND_STATUSES}
      ), 0) AS remaining
      FROM payments WHERE payments.id = ${payment.id} AND payments.status IN ${REFUNDABLE_STATUSES}
    )
    INSERT INTO refunds (id, payment_id, amount, currency, status, reason, requested_by, created_at, updated_at)
    SELECT ${id}, ${payment.id}, ${amount}, ${payment.currency}, 'pending', ${request.reason ?? null},
           ${by.actorId}, ${now}, ${now}
    FROM refundable WHERE remaining > 0 AND remaining >= ${amount}
    RETURNING ${REFUND_COLUMNS}`
  const inserted = await reserveWithAudit(db, insert, refundCreated(db, id, { ...by, now }))
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
 * Applies a Stripe refund's status to our refund row and the payment, in one batch. Refund statuses only move
 * forward (the refund state machine); only the moves into and out of `succeeded` move money: into it adds the
 * amount to amount_refunded, out of it (succeeded → failed, Stripe's one way back) takes it back. Both are
 * conditional on the refund making that very move in the same batch, so a repeat or a stale report changes
 * nothing.
 */
export async function applyRefund(
  db: Database,
  change: ApplyRefund,
): Promise<{ payment: Payment; refund: Refund }> {
  const now = nowIso()
  const status = asStatus(change.stripeRefund.status)
  const { refund, source } = change
  const statements: D1PreparedStatement[] = []
  if (change.event) {
    statements.push(recordEventStatement(db, { ...change.event, objectId: change.stripeRefund.id }, now))
  }
  const mine = sql`id = ${refund.id} AND (stripe_refund_id IS NULL OR stripe_refund_id = ${change.stripeRefund.id})`
  // Read by the payment's statements before the refund's own UPDATE runs: "this refund is about to move so".
  const moving = (from: RefundStatus[]) =>
    sql`EXISTS (SELECT 1 FROM refunds WHERE ${mine} AND status IN ${from})`
  const into = statusesFrom(status, source)
  if (status === 'succeeded' && into.length)
    statements.push(...moveRefundedAmount(db, refund, +1, moving(into), source, now))
  if (status === 'failed' && into.includes('succeeded'))
    statements.push(...moveRefundedAmount(db, refund, -1, moving(['succeeded']), source, now))
  // A refund that fails (never having succeeded) leaves the payment's status as it was; its updated_at still
  // moves, so that the cron's look-back over recent payments sees that money is owed again.
  if (status === 'failed') {
    statements.push(
      prepare(
        db,
        sql`UPDATE payments SET updated_at = ${now} WHERE id = ${refund.paymentId} AND ${moving(into)}`,
      ),
    )
  }
  // Only the API's own answer links a refund it created: until then its request counts as unanswered, and the
  // client's retry must get this refund back rather than make a second one (see createRefund).
  if (source !== 'webhook') {
    statements.push(
      prepare(
        db,
        sql`UPDATE refunds SET stripe_refund_id = ${change.stripeRefund.id}, updated_at = ${now}
        WHERE id = ${refund.id} AND stripe_refund_id IS NULL`,
      ),
    )
  }
  // Stripe reporting a refund `pending` (where every refund starts) is no move.
  if (into.length) {
    statements.push(
      ...transition(db, 'refund', {
        where: mine,
        on: 'stripe',
        to: status,
        source,
        now,
        actorId: change.actorId,
        set: sql`failure_reason = ${change.stripeRefund.failure_reason ?? null}`,
      }),
    )
  }
  if (status === 'succeeded') statements.push(issueCreditNoteStatement(db, refund.id, now))
  if (status === 'failed') statements.push(issueCreditNoteReversalStatement(db, refund.id, now))
  statements.push(...cancelRefundedRentalStatements(db, refund.paymentId, source, now))
  // The owner's payout follows what is refunded (before release its amount; after, the cron's settling).
  statements.push(...followOwedStatements(db, { kind: 'rental', id: refund.paymentId }, source, now))
  const read = await runBatchNamed(db, statements, {
    payment: selectRows(db, payments, sql`id = ${refund.paymentId}`),
    refund: selectRows(db, refunds, sql`id = ${refund.id}`),
  })
  return { payment: read.payment.results[0] as Payment, refund: read.refund.results[0] as Refund }
}

/** The statuses from which the refund state machine lets `source` move a refund into `status`. */
const statusesFrom = (status: RefundStatus, source: TransitionSource): RefundStatus[] =>
  allowedMoves(refundMachine, 'stripe', source, status).map(([from]) => from as RefundStatus)

/**
 * +1: a refund reaches succeeded; -1: a succeeded refund fails afterwards. The payment's status follows from
 * amount_refunded, within what the payment state machine allows (a dispute or a refund_failed flag stays
 * until a refund succeeds or the dispute closes).
 */
function moveRefundedAmount(
  db: Database,
  refund: Refund,
  sign: 1 | -1,
  refundMoves: SQL,
  source: TransitionSource,
  now: string,
) {
  const refunded = sql`amount_refunded + ${sign * refund.amount}`
  const kept = sign === 1 ? sql`('disputed')` : sql`('disputed', 'refund_failed')`
  return transition(db, 'payment', {
    where: sql`id = ${refund.paymentId} AND ${refundMoves}`,
    on: 'refund',
    to: sql`CASE WHEN status IN ${kept} THEN status ELSE ${statusFromRefunds(refunded)} END`,
    source,
    now,
    detail: `${sign === 1 ? 'refund succeeded' : 'refund failed'}: ${refund.id}`,
    set: sql`amount_refunded = ${refunded}, refunded_at = CASE WHEN ${sign} > 0 THEN ${now} ELSE refunded_at END`,
  })
}

/** Records a refund that was made outside Backline (e.g. in the Stripe dashboard), once, with its audit row. */
export async function importRefund(
  db: Database,
  payment: Payment,
  stripeRefund: Stripe.Refund,
  source: TransitionSource,
): Promise<Refund | undefined> {
  const now = nowIso()
  const id = newId('ref')
  const insert = db
    .insert(refunds)
    .values({
      id,
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
  const detail = `made outside Backline: ${stripeRefund.id}`
  // The refund as stored, read in the same batch: this one, or the one an earlier delivery recorded.
  const read = await runBatchNamed(
    db,
    [prepareBuilt(db, insert), refundCreated(db, id, { source, actorId: null, now, detail })],
    { refund: selectRows(db, refunds, sql`stripe_refund_id = ${stripeRefund.id}`) },
  )
  return read.refund.results[0] as Refund | undefined
}
