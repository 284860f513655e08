import { sql } from 'drizzle-orm'
import { prepare, runBatchNamed, selectRows, type Database } from '../../adapters/d1/client'
import { auditIfChanged } from '../../adapters/d1/audit'
import {
  expireHoldsStatements,
  insertRentalStatement,
  openHoldsStatement,
  type RentalInsert,
} from '../../adapters/d1/rental-statements'
import { rentals, type Rental } from '../../adapters/d1/schema'
import type { Actor } from '../../domain/access'
import { MAX_CHARGE_AMOUNT } from '../../domain/money'
import { validateRentalDates } from '../../domain/rental-dates'
import { ApiError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { addMinutes, nowIso } from '../../lib/time'
import type { Services } from '../context'
import { getListing } from '../listings/listings'
import { expireHolds } from './expire-holds'

export interface NewRental {
  listing_id: string
  start_date: string
  end_date: string
}

export async function createRental(deps: Services, renter: Actor, input: NewRental) {
  const renterId = renter.id
  const now = deps.clock()
  const range = { start: input.start_date, end: input.end_date }
  const days = validateRentalDates(range, now, deps.settings.MAX_RENTAL_DAYS)
  const listing = await getListing(deps, input.listing_id)
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
  const at = nowIso(now)
  const rental: RentalInsert = {
    id: newId('rnt'),
    listingId: listing.id,
    renterId,
    range,
    days,
    holdExpiresAt: addMinutes(at, deps.settings.RENTAL_HOLD_MINUTES),
    now: at,
    maxOpenHolds: deps.settings.MAX_OPEN_HOLDS_PER_RENTER,
  }
  const created = await insertRental(deps, rental)
  if (created) return created
  // Expired holds on these dates whose PaymentIntents may still be paid: canceled at Stripe, then one retry.
  const scope = { listingId: listing.id, range }
  if ((await expireHolds(deps, at, 'api', { scope, limit: 10 })).length) {
    const retried = await insertRental(deps, rental)
    if (retried) return retried
  }
  throw await refusal(deps.db, rental)
}

/** One batch: expire the overlapping holds that can go, insert if nothing else holds the dates, read back. */
async function insertRental(deps: Services, rental: RentalInsert) {
  const { db } = deps
  const scope = { listingId: rental.listingId, range: rental.range }
  const { created } = await runBatchNamed(
    db,
    [
      ...expireHoldsStatements(db, rental.now, 'api', scope),
      insertRentalStatement(db, rental),
      auditIfChanged(db, 'rental', rental.id, {
        to: 'pending',
        source: 'api',
        actorId: rental.renterId,
        now: rental.now,
      }),
    ],
    { created: selectRows(db, rentals, sql`id = ${rental.id}`) },
  )
  return created.results[0] as Rental | undefined
}

/** Why the database refused a booking: listing deactivated meanwhile, the renter's holds, or dates taken. */
async function refusal(db: Database, rental: RentalInsert): Promise<ApiError> {
  const read = await runBatchNamed(db, [], {
    listing: prepare(db, sql`SELECT active FROM listings WHERE id = ${rental.listingId}`),
    holds: openHoldsStatement(db, rental),
  })
  if (!(read.listing.results[0] as { active: number } | undefined)?.active) {
    return new ApiError('listing_inactive', 'This listing is not available for rent')
  }
  const open = read.holds.results[0] as { open: number; onListing: number }
  if (open.onListing > 0) {
    return new ApiError(
      'rental_hold_exists',
      'You already hold unpaid dates on this listing; pay for them or cancel them first',
    )
  }
  if (open.open >= rental.maxOpenHolds) {
    return new ApiError(
      'rental_hold_limit',
      `You already hold ${open.open} unpaid rentals, the most at once; pay for or cancel one first`,
    )
  }
  return new ApiError('listing_unavailable', 'The listing is already booked for some of these dates')
}
