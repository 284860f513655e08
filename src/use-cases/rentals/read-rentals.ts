import { eq, sql } from 'drizzle-orm'
import { runBatchNamed, selectRows } from '../../adapters/d1/client'
import { jsonMapper, type JsonOf } from '../../adapters/d1/json-columns'
import { pageForParties, type JsonList, type JsonPage, type PartySearch } from '../../adapters/d1/pagination'
import { payments, rentals, type Payment, type Rental, type RentalStatus } from '../../adapters/d1/schema'
import { authorizeRental, rentalRules, type Actor } from '../../domain/access'
import type { Services } from '../context'

/** A rental that `user` may `action` (domain/access.ts decides: 404 to strangers, 403 to the wrong party). */
export async function rentalFor(
  { db }: Pick<Services, 'db'>,
  user: Actor,
  id: string,
  action: keyof typeof rentalRules = 'read',
): Promise<Rental> {
  const rental = await db.query.rentals.findFirst({ where: eq(rentals.id, id) })
  authorizeRental(user, rental, action)
  return rental
}

/**
 * A rental and its payment (if one was initiated), read in one D1 round trip, for a caller who may `action` it
 * (domain/access.ts: 404 to strangers, 403 to the wrong party).
 */
export async function rentalWithPayment(
  { db }: Pick<Services, 'db'>,
  user: Actor,
  rentalId: string,
  action: keyof typeof rentalRules,
): Promise<{ rental: Rental; payment: Payment | undefined }> {
  const read = await runBatchNamed(db, [], {
    rental: selectRows(db, rentals, sql`id = ${rentalId}`),
    payment: selectRows(db, payments, sql`rental_id = ${rentalId}`),
  })
  const rental = read.rental.results[0] as Rental | undefined
  authorizeRental(user, rental, action)
  return { rental, payment: read.payment.results[0] as Payment | undefined }
}

export type RentalSearch = PartySearch<RentalStatus>

/** Newest first, as renter, as owner, or both, each item already JSON (pageForParties). */
export function listRentals(
  { db }: Services,
  user: Actor,
  search: RentalSearch,
): Promise<JsonPage<RentalJson>> {
  return pageForParties(db, rentalList, user.id, search)
}

/** A rental as the API shows it: JSON key → column, in answer order. */
export const rentalColumns = {
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
  cancellation_policy: rentals.cancellationPolicy,
  time_zone: rentals.timeZone,
  status: rentals.status,
  hold_expires_at: rentals.holdExpiresAt,
  cancel_reason: rentals.cancelReason,
  cancelled_at: rentals.cancelledAt,
  refund_due: rentals.refundDue,
  completed_at: rentals.completedAt,
  created_at: rentals.createdAt,
  updated_at: rentals.updatedAt,
}

export type RentalJson = JsonOf<typeof rentalColumns>

export const toRentalJson = jsonMapper<typeof rentalColumns, Rental>(rentals, rentalColumns)

/** The same fields for GET /api/rentals, written by SQLite (test/routes/rentals/rentals.test.ts checks they agree). */
export const rentalList: JsonList<typeof rentalColumns> = { table: rentals, columns: rentalColumns }
