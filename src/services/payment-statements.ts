import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from '../db/client'
import { auditRows, type AuditSource } from './audit'
import type { PaymentStatus } from '../db/schema'

/*
 * The SQL of payment state changes. Every statement carries its own precondition (the statuses it may move
 * from, and the PaymentIntent it belongs to), so whichever of confirm, webhook or reconciler comes first makes
 * the transition and the others change nothing. Audit rows select exactly the rows the update then changes.
 */

export type TransitionSource = AuditSource

/** Which statuses each target may be reached from: the state machine of DESIGN.md, never backwards. */
export const PAYMENT_TRANSITIONS: Record<'processing' | 'completed' | 'failed', readonly PaymentStatus[]> = {
  processing: ['pending', 'failed'],
  completed: ['pending', 'processing', 'failed'],
  failed: ['pending', 'processing'],
}

const statusList = (statuses: readonly string[]) =>
  sql.join(
    statuses.map((status) => sql`${status}`),
    sql`, `,
  )

export interface PaymentMove {
  paymentId: string
  intentId: string
  to: 'processing' | 'completed' | 'failed'
  set: SQL
  source: TransitionSource
  detail?: string | null
  actorId?: string | null
  now: string
}

export function movePaymentStatements(db: Database, move: PaymentMove) {
  const where = sql`id = ${move.paymentId} AND stripe_payment_intent_id = ${move.intentId}
    AND status IN (${statusList(PAYMENT_TRANSITIONS[move.to])})`
  return [
    auditRows(db, 'payment', where, move),
    prepare(
      db,
      sql`UPDATE payments SET status = ${move.to}, ${move.set}, updated_at = ${move.now} WHERE ${where}`,
    ),
  ] as const
}

/** The rental becomes active once its payment is completed: one conditional statement, idempotent. */
export function activateRentalStatements(
  db: Database,
  rentalId: string,
  source: TransitionSource,
  now: string,
) {
  const where = sql`id = ${rentalId} AND status = 'pending'
    AND EXISTS (SELECT 1 FROM payments WHERE payments.rental_id = rentals.id AND payments.status = 'completed')`
  return [
    auditRows(db, 'rental', where, { to: 'active', source, now, detail: 'paid' }),
    prepare(db, sql`UPDATE rentals SET status = 'active', updated_at = ${now} WHERE ${where}`),
  ] as const
}

/** A full refund cancels the rental (pending or active) and so frees its dates. */
export function cancelRefundedRentalStatements(
  db: Database,
  paymentId: string,
  source: TransitionSource,
  now: string,
) {
  const where = sql`id = (SELECT rental_id FROM payments WHERE payments.id = ${paymentId}) AND status IN ('pending', 'active')
    AND EXISTS (SELECT 1 FROM payments WHERE payments.id = ${paymentId} AND payments.status = 'refunded')`
  return [
    auditRows(db, 'rental', where, { to: 'cancelled', source, now, detail: 'refunded' }),
    prepare(
      db,
      sql`UPDATE rentals SET status = 'cancelled', cancel_reason = 'refunded', cancelled_at = ${now},
      updated_at = ${now} WHERE ${where}`,
    ),
  ] as const
}

/** Records a Stripe event id; a second delivery of the same event fails the whole batch on the primary key. */
export function recordEventStatement(
  db: Database,
  event: { id: string; type: string; objectId: string | null },
  now: string,
) {
  return prepare(
    db,
    sql`INSERT INTO stripe_events (id, type, object_id, processed_at)
    VALUES (${event.id}, ${event.type}, ${event.objectId}, ${now})`,
  )
}

/** A payment's status from how much of it is refunded (outside a dispute). */
export const statusFromRefunds = (refunded: SQL) =>
  sql`CASE WHEN ${refunded} >= amount THEN 'refunded' WHEN ${refunded} > 0 THEN 'partially_refunded' ELSE 'completed' END`
