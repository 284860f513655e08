import { eq, sql } from 'drizzle-orm'
import { runBatch, selectRows, type Database } from '../db/client'
import { auditIfChanged } from './audit'
import { rentals, type RentalStatus } from '../db/schema'
import type { AuthUser, Settings } from '../env'
import { ApiError } from '../lib/errors'
import { newId } from '../lib/ids'
import { jsonMapper, type JsonOf } from '../lib/json-columns'
import { pageForParties, type JsonList, type JsonPage, type PartySearch } from '../lib/pagination'
import { addMinutes, nowIso } from '../lib/time'
import { getListing } from './listings'
import { validateRentalDates } from './rental-dates'
import { MAX_CHARGE_AMOUNT } from '../lib/money'
import {
  cancelStatement,
  completeStatement,
  expireHoldsStatements,
  insertRentalStatement,
} from './rental-statements'

export type Rental = typeof rentals.$inferSelect

export interface NewRental {
  listing_id: string
  start_date: string
  end_date: string
}

type RentalSettings = Pick<Settings, 'MAX_RENTAL_DAYS' | 'RENTAL_HOLD_MINUTES'>

export async function createRental(
  db: Database,
  settings: RentalSettings,
  renterId: string,
  input: NewRental,
) {
  const now = new Date()
  const range = { start: input.start_date, end: input.end_date }
  const days = validateRentalDates(range, now, settings.MAX_RENTAL_DAYS)
  const listing = await getListing(db, input.listing_id)
  if (listing.ownerId === renterId) throw new ApiError('own_listing', 'You cannot rent your own listing')
  if (!listing.active) throw new ApiError('listing_inactive', 'This listing is not available for rent')
  if (listing.dailyRate * days > MAX_CHARGE_AMOUNT) {
    throw new ApiError(
      'amount_too_large',
      `daily_rate × days exceeds ${MAX_CHARGE_AMOUNT}, the most one card payment can be`,
      {
        errors: [
          { path: 'body.end_date', message: 'The rental is too expensive for one payment; book fewer days' },
        ],
      },
    )
  }

  const id = newId('rnt')
  const at = nowIso(now)
  const expireOverlapping = expireHoldsStatements(db, at, 'api', { listingId: listing.id, range })
  const results = await runBatch(db, [
    ...expireOverlapping,
    insertRentalStatement(db, {
      id,
      listingId: listing.id,
      renterId,
      range,
      days,
      holdExpiresAt: addMinutes(at, settings.RENTAL_HOLD_MINUTES),
      now: at,
    }),
    auditIfChanged(db, 'rental', id, {
      from: null,
      to: 'pending',
      source: 'api',
      actorId: renterId,
      now: at,
    }),
    selectRows(db, rentals, sql`id = ${id}`),
  ])
  const created = results.at(-1)?.results[0] as Rental | undefined
  if (created) return created
  // Refused by the database: the listing was deactivated meanwhile, or (far more often) the dates were taken.
  if (!(await getListing(db, listing.id)).active) {
    throw new ApiError('listing_inactive', 'This listing is not available for rent')
  }
  throw new ApiError('listing_unavailable', 'The listing is already booked for some of these dates')
}

export async function getRental(db: Database, id: string): Promise<Rental> {
  const rental = await db.query.rentals.findFirst({ where: eq(rentals.id, id) })
  if (!rental) throw new ApiError('rental_not_found', 'Rental not found')
  return rental
}

/** Renter, owner and admins may read a rental; to anyone else it does not exist. */
export async function getRentalFor(db: Database, user: AuthUser, id: string): Promise<Rental> {
  const rental = await getRental(db, id)
  if (!(isParty(user, rental) || user.role === 'admin')) {
    throw new ApiError('rental_not_found', 'Rental not found')
  }
  return rental
}

const isParty = (user: AuthUser, rental: Rental) => rental.renterId === user.id || rental.ownerId === user.id

export async function cancelRental(db: Database, user: AuthUser, id: string): Promise<Rental> {
  const rental = await getRentalFor(db, user, id)
  if (!isParty(user, rental))
    throw new ApiError('forbidden', 'Only the renter or the owner may cancel a rental')
  const reason = rental.renterId === user.id ? 'cancelled_by_renter' : 'cancelled_by_owner'
  const now = nowIso()
  const [update, , after] = await runBatch(db, [
    cancelStatement(db, id, reason, now),
    auditIfChanged(db, 'rental', id, {
      from: 'pending',
      to: 'cancelled',
      source: 'api',
      actorId: user.id,
      detail: reason,
      now,
    }),
    selectRows(db, rentals, sql`id = ${id}`),
  ])
  if (update?.meta.changes !== 1) {
    throw new ApiError(
      'rental_not_cancellable',
      'Only a pending rental without a payment under way can be cancelled',
    )
  }
  return after!.results[0] as Rental
}

export async function completeRental(db: Database, user: AuthUser, id: string): Promise<Rental> {
  const rental = await getRentalFor(db, user, id)
  if (rental.ownerId !== user.id)
    throw new ApiError('not_owner', 'Only the owner may mark a rental as returned')
  const now = nowIso()
  const [update, , after] = await runBatch(db, [
    completeStatement(db, id, now),
    auditIfChanged(db, 'rental', id, {
      from: 'active',
      to: 'completed',
      source: 'api',
      actorId: user.id,
      now,
    }),
    selectRows(db, rentals, sql`id = ${id}`),
  ])
  if (update?.meta.changes !== 1)
    throw new ApiError('rental_not_completable', 'Only an active rental can be completed')
  return after!.results[0] as Rental
}

/** For the cron: cancels every pending rental whose hold expired unpaid, and returns their ids. */
export async function expireRentalHolds(db: Database, now: Date = new Date()): Promise<string[]> {
  const [, expired] = await runBatch(db, expireHoldsStatements(db, nowIso(now), 'reconciler'))
  return (expired?.results as { id: string }[]).map((row) => row.id)
}

export type RentalSearch = PartySearch<RentalStatus>

/** Newest first, as renter, as owner, or both, each item already JSON (pageForParties). */
export function listRentals(
  db: Database,
  userId: string,
  search: RentalSearch,
): Promise<JsonPage<RentalJson>> {
  return pageForParties(db, rentalList, userId, search)
}

/** A rental as the API shows it: JSON key → column, in answer order. */
const rentalColumns = {
  id: rentals.id,
  listing_id: rentals.listingId,
  renter_id: rentals.renterId,
  owner_id: rentals.ownerId,
  start_date: rentals.startDate,
  end_date: rentals.endDate,
  days: rentals.days,
  daily_rate: rentals.dailyRate,
  amount: rentals.amount,
  currency: rentals.currency,
  deposit_amount: rentals.depositAmount,
  status: rentals.status,
  hold_expires_at: rentals.holdExpiresAt,
  cancel_reason: rentals.cancelReason,
  cancelled_at: rentals.cancelledAt,
  completed_at: rentals.completedAt,
  created_at: rentals.createdAt,
  updated_at: rentals.updatedAt,
}

export type RentalJson = JsonOf<typeof rentalColumns>

export const toRentalJson = jsonMapper<typeof rentalColumns, Rental>(rentals, rentalColumns)

/** The same fields for GET /api/rentals, written by SQLite (rentals.test.ts checks they agree). */
export const rentalList: JsonList<typeof rentalColumns> = { table: rentals, columns: rentalColumns }
