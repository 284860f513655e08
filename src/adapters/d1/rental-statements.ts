import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from './client'
import { PAID_STATUSES, type Trigger } from '../../domain/state-machines'
import { transition } from './transitions'
import type { DateRange } from '../../domain/rental-dates'

/*
 * The SQL of rental state changes. Each statement decides on its own conditions inside one D1 batch (atomic),
 * so a race between two requests is settled by D1, whose writes are serialised, not by a read before a write.
 */

/** A payment under way or done keeps a pending rental's dates even after its hold has expired. */
const noHoldKeepingPayment = sql`NOT EXISTS (
  SELECT 1 FROM payments
  WHERE payments.rental_id = rentals.id AND payments.status IN ('processing', 'completed')
)`

/**
 * No PaymentIntent of this rental can still be paid: there is none, or Stripe canceled it (a canceled intent
 * is final). A rental is only cancelled once this holds, so the card is never charged for a cancelled rental.
 */
const intentNotCanceled = sql`payments.stripe_payment_intent_id IS NOT NULL
  AND NOT (payments.status = 'failed' AND payments.failure_code = 'canceled')`

const noLiveIntent = sql`NOT EXISTS (
  SELECT 1 FROM payments WHERE payments.rental_id = rentals.id AND ${intentNotCanceled}
)`

/** A payment whose intent may still be paid: not paid yet (pending or declined) and not canceled. */
export const payableIntent = sql`payments.status IN ('pending', 'failed') AND ${intentNotCanceled}`

/** Rentals that keep their dates: a completed rental was paid for its dates, even if returned early. */
const HOLDING = sql`('pending', 'active', 'completed')`

export interface HoldScope {
  listingId: string
  range: DateRange
}

const overlapping = (scope?: HoldScope, table = sql``) =>
  scope
    ? sql`AND ${table}listing_id = ${scope.listingId} AND ${table}start_date < ${scope.range.end}
        AND ${table}end_date > ${scope.range.start}`
    : sql``

/** Pending rentals whose hold expired unpaid: optionally only those of one listing overlapping a range. */
export const expiredHolds = (now: string, scope?: HoldScope, table = sql``): SQL =>
  sql`${table}status = 'pending' AND ${table}hold_expires_at <= ${now} ${overlapping(scope, table)}
    AND ${noHoldKeepingPayment}`

/**
 * Cancels expired holds whose PaymentIntent (if any) can no longer be paid; a hold with a live intent waits
 * until its intent is canceled at Stripe (use-cases/rentals/expire-holds.ts). Returns the ids it cancelled.
 */
export const expireHoldsStatements = (db: Database, now: string, source: Trigger, scope?: HoldScope) =>
  transition(db, 'rental', {
    where: sql`${expiredHolds(now, scope)} AND ${noLiveIntent}`,
    on: 'expire',
    to: 'cancelled',
    source,
    now,
    detail: 'hold_expired',
    set: sql`cancel_reason = 'hold_expired', cancelled_at = ${now}`,
    returning: sql`id`,
  })

export interface RentalInsert {
  id: string
  listingId: string
  renterId: string
  range: DateRange
  days: number
  holdExpiresAt: string
  now: string
  /** How many unpaid holds a renter may keep open at once (one per listing in any case). */
  maxOpenHolds: number
}

interface Holder {
  renterId: string
  listingId: string
  now: string
}

/** A renter's pending rentals still on hold and not paid (nor being paid). */
const openHoldsOf = (rental: Holder, and: SQL) => sql`
  SELECT rentals.listing_id FROM rentals
  WHERE rentals.renter_id = ${rental.renterId} AND rentals.status = 'pending'
    AND rentals.hold_expires_at > ${rental.now} ${and} AND ${noHoldKeepingPayment}`

/** How many open holds the renter has, and how many on this listing (to say why a booking was refused). */
export const openHoldsStatement = (db: Database, rental: Holder) =>
  prepare(
    db,
    sql`SELECT COUNT(*) AS open,
      COALESCE(SUM(listing_id = ${rental.listingId}), 0) AS onListing FROM (${openHoldsOf(rental, sql``)})`,
  )

/**
 * Inserts the rental only if the listing is active, not the renter's, and no pending or active rental of it
 * overlaps [start, end). Rate, currency, deposit and owner are copied from the listing in the same statement.
 */
export function insertRentalStatement(db: Database, rental: RentalInsert) {
  const { start, end } = rental.range
  return prepare(
    db,
    sql`
    INSERT INTO rentals (id, listing_id, renter_id, owner_id, start_date, end_date, days, daily_rate, amount,
                         currency, deposit_amount, cancellation_policy, time_zone, status, hold_expires_at,
                         created_at, updated_at)
    SELECT ${rental.id}, listings.id, ${rental.renterId}, listings.owner_id, ${start}, ${end}, ${rental.days},
           listings.daily_rate, listings.daily_rate * ${rental.days}, listings.currency, listings.deposit_amount,
           listings.cancellation_policy, listings.time_zone, 'pending', ${rental.holdExpiresAt}, ${rental.now}, ${rental.now}
    FROM listings
    WHERE listings.id = ${rental.listingId} AND listings.active = 1 AND listings.owner_id <> ${rental.renterId}
      AND NOT EXISTS (
        SELECT 1 FROM rentals
        WHERE rentals.listing_id = ${rental.listingId} AND rentals.status IN ${HOLDING}
          AND rentals.start_date < ${end} AND rentals.end_date > ${start}
      )
      AND NOT EXISTS (${openHoldsOf(rental, sql`AND rentals.listing_id = ${rental.listingId}`)})
      AND (SELECT COUNT(*) FROM (${openHoldsOf(rental, sql``)} LIMIT ${rental.maxOpenHolds})) < ${rental.maxOpenHolds}`,
  )
}

/** A party cancels a pending rental: not while its payment is under way or done, nor its intent still payable. */
export const cancelStatements = (
  db: Database,
  rental: { id: string; reason: string; actorId: string },
  now: string,
) =>
  transition(db, 'rental', {
    where: sql`id = ${rental.id} AND ${noHoldKeepingPayment} AND ${noLiveIntent}`,
    on: 'cancel',
    to: 'cancelled',
    source: 'api',
    now,
    actorId: rental.actorId,
    detail: rental.reason,
    set: sql`cancel_reason = ${rental.reason}, cancelled_at = ${now}`,
  })

export interface PaidCancellation {
  id: string
  reason: string
  actorId: string
  /** What the renter will have been refunded in all (rentals.refund_due). */
  refundDue: number
  /** The payment as the refund was computed: the cancellation only goes through if it is still so. */
  paymentId: string
  refundedBefore: number
  /** A further condition the cancellation hangs on (e.g. the deposit is still not held). */
  when?: SQL
}

/**
 * A party cancels a paid (active) rental, freeing its dates. Conditional on the payment being exactly as the
 * refund was computed from (refundable, same amount refunded, no refund on its way), so two concurrent
 * cancellations, or a refund racing one, cannot both count.
 */
export const cancelPaidStatements = (db: Database, rental: PaidCancellation, now: string) =>
  transition(db, 'rental', {
    where: sql`id = ${rental.id} AND EXISTS (
      SELECT 1 FROM payments WHERE payments.id = ${rental.paymentId} AND payments.rental_id = rentals.id
        AND payments.status IN ${PAID_STATUSES}
        AND payments.amount_refunded = ${rental.refundedBefore}
        AND NOT EXISTS (SELECT 1 FROM refunds WHERE refunds.payment_id = payments.id
          AND refunds.status IN ('pending', 'requires_action'))
    ) ${rental.when ? sql`AND ${rental.when}` : sql``}`,
    on: 'cancel_paid',
    to: 'cancelled',
    source: 'api',
    now,
    actorId: rental.actorId,
    detail: rental.reason,
    set: sql`cancel_reason = ${rental.reason}, cancelled_at = ${now}, refund_due = ${rental.refundDue}`,
  })

/** The owner marks an active rental returned, never before its start date (it keeps its dates either way). */
export const completeStatements = (
  db: Database,
  rental: { id: string; actorId: string; today: string },
  now: string,
) =>
  transition(db, 'rental', {
    where: sql`id = ${rental.id} AND start_date <= ${rental.today}`,
    on: 'return',
    to: 'completed',
    source: 'api',
    now,
    actorId: rental.actorId,
    set: sql`completed_at = ${now}`,
  })

/** Rentals that hold dates of a listing in [from, to): active ones, and pending ones still on hold or paid. */
export function bookedRangesStatement(
  db: Database,
  listingId: string,
  window: { from: string; to: string },
  now: string,
) {
  return prepare(
    db,
    sql`
    SELECT start_date, end_date FROM rentals
    WHERE listing_id = ${listingId} AND status IN ${HOLDING}
      AND start_date < ${window.to} AND end_date > ${window.from}
      AND (status <> 'pending' OR hold_expires_at > ${now} OR NOT ${noHoldKeepingPayment})
    ORDER BY start_date`,
  )
}
