import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from '../db/client'
import { auditRows } from './audit'

/*
 * The SQL of rental state changes. Each statement decides on its own conditions inside one D1 batch (atomic),
 * so a race between two requests is settled by D1, whose writes are serialised, not by a read before a write.
 */

/** A payment under way or done keeps a pending rental's dates even after its hold has expired. */
const noHoldKeepingPayment = sql`NOT EXISTS (
  SELECT 1 FROM payments
  WHERE payments.rental_id = rentals.id AND payments.status IN ('processing', 'completed')
)`

export interface DateRange {
  start: string
  end: string
}

/** Pending rentals whose hold expired unpaid: optionally only those of one listing overlapping a range. */
function expiredHolds(now: string, scope?: { listingId: string; range: DateRange }): SQL {
  const overlap = scope
    ? sql`AND listing_id = ${scope.listingId} AND start_date < ${scope.range.end} AND end_date > ${scope.range.start}`
    : sql``
  return sql`status = 'pending' AND hold_expires_at <= ${now} ${overlap} AND ${noHoldKeepingPayment}`
}

/** Two statements, audit rows first (they select the same rows the update then changes). */
export function expireHoldsStatements(
  db: Database,
  now: string,
  source: 'api' | 'reconciler',
  scope?: { listingId: string; range: DateRange },
) {
  const where = expiredHolds(now, scope)
  return [
    auditRows(db, 'rental', where, { to: 'cancelled', source, now, detail: 'hold_expired' }),
    prepare(
      db,
      sql`
      UPDATE rentals SET status = 'cancelled', cancel_reason = 'hold_expired', cancelled_at = ${now}, updated_at = ${now}
      WHERE ${where}
      RETURNING id`,
    ),
  ]
}

export interface RentalInsert {
  id: string
  listingId: string
  renterId: string
  range: DateRange
  days: number
  holdExpiresAt: string
  now: string
}

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
                         currency, deposit_amount, status, hold_expires_at, created_at, updated_at)
    SELECT ${rental.id}, listings.id, ${rental.renterId}, listings.owner_id, ${start}, ${end}, ${rental.days},
           listings.daily_rate, listings.daily_rate * ${rental.days}, listings.currency, listings.deposit_amount,
           'pending', ${rental.holdExpiresAt}, ${rental.now}, ${rental.now}
    FROM listings
    WHERE listings.id = ${rental.listingId} AND listings.active = 1 AND listings.owner_id <> ${rental.renterId}
      AND NOT EXISTS (
        SELECT 1 FROM rentals
        WHERE rentals.listing_id = ${rental.listingId} AND rentals.status IN ('pending', 'active')
          AND rentals.start_date < ${end} AND rentals.end_date > ${start}
      )`,
  )
}

export function cancelStatement(db: Database, rentalId: string, reason: string, now: string) {
  return prepare(
    db,
    sql`
    UPDATE rentals SET status = 'cancelled', cancel_reason = ${reason}, cancelled_at = ${now}, updated_at = ${now}
    WHERE id = ${rentalId} AND status = 'pending' AND ${noHoldKeepingPayment}`,
  )
}

export function completeStatement(db: Database, rentalId: string, now: string) {
  return prepare(
    db,
    sql`
    UPDATE rentals SET status = 'completed', completed_at = ${now}, updated_at = ${now}
    WHERE id = ${rentalId} AND status = 'active'`,
  )
}

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
    WHERE listing_id = ${listingId} AND status IN ('pending', 'active')
      AND start_date < ${window.to} AND end_date > ${window.from}
      AND (status = 'active' OR hold_expires_at > ${now} OR NOT ${noHoldKeepingPayment})
    ORDER BY start_date`,
  )
}
