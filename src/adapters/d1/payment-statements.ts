import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from './client'
import type { Trigger } from '../../domain/state-machines'
import { transition } from './transitions'

/*
 * The SQL of payment state changes. Every statement carries its own precondition (the moves the state machine
 * allows, and the PaymentIntent it belongs to), so whichever of confirm, webhook or reconciler comes first
 * makes the transition and the others change nothing.
 */

export type TransitionSource = Trigger

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

export const movePaymentStatements = (db: Database, move: PaymentMove) =>
  transition(db, 'payment', {
    ...move,
    on: 'intent',
    where: sql`id = ${move.paymentId} AND stripe_payment_intent_id = ${move.intentId}`,
  })

/** The rental becomes active once its payment is completed: one conditional statement, idempotent. */
export const activateRentalStatements = (
  db: Database,
  rentalId: string,
  source: TransitionSource,
  now: string,
) =>
  transition(db, 'rental', {
    where: sql`id = ${rentalId}
      AND EXISTS (SELECT 1 FROM payments WHERE payments.rental_id = rentals.id AND payments.status = 'completed')`,
    on: 'pay',
    to: 'active',
    source,
    now,
    detail: 'paid',
  })

/** A full refund cancels the rental (pending or active) and so frees its dates. */
export const cancelRefundedRentalStatements = (
  db: Database,
  paymentId: string,
  source: TransitionSource,
  now: string,
) =>
  transition(db, 'rental', {
    where: sql`id = (SELECT rental_id FROM payments WHERE payments.id = ${paymentId})
      AND EXISTS (SELECT 1 FROM payments WHERE payments.id = ${paymentId} AND payments.status = 'refunded')`,
    on: 'refund',
    to: 'cancelled',
    source,
    now,
    detail: 'refunded',
    set: sql`cancel_reason = 'refunded', cancelled_at = ${now}`,
  })

/**
 * Records a Stripe event id; a second delivery of the same event fails the whole batch on the primary key.
 * With Stripe's creation time, the row tells how long the event took to be applied (admin attention's lag).
 */
export function recordEventStatement(
  db: Database,
  event: { id: string; type: string; objectId: string | null; created?: number },
  now: string,
) {
  const createdAt = event.created === undefined ? null : new Date(event.created * 1000).toISOString()
  return prepare(
    db,
    sql`INSERT INTO stripe_events (id, type, object_id, created_at, processed_at)
    VALUES (${event.id}, ${event.type}, ${event.objectId}, ${createdAt}, ${now})`,
  )
}

/** A payment's status from how much of it is refunded (outside a dispute). */
export const statusFromRefunds = (refunded: SQL) =>
  sql`CASE WHEN ${refunded} >= amount THEN 'refunded' WHEN ${refunded} > 0 THEN 'partially_refunded' ELSE 'completed' END`
