import { sql } from 'drizzle-orm'
import { prepare, runBatch, type Database } from '../db/client'
import { ApiError } from '../lib/errors'
import { nowIso } from '../lib/time'
import { validateAvailabilityWindow } from './rental-dates'
import { bookedRangesStatement } from './rental-statements'

/**
 * Date ranges of [from, to) held by pending (on hold or paid) or active rentals, clipped to the window. The
 * listing's existence and its booked ranges are read in one D1 round trip.
 */
export async function listingAvailability(db: Database, listingId: string, from: string, to: string) {
  validateAvailabilityWindow(from, to)
  const [listing, ranges] = await runBatch(db, [
    prepare(db, sql`SELECT id FROM listings WHERE id = ${listingId}`),
    bookedRangesStatement(db, listingId, { from, to }, nowIso()),
  ])
  if (!listing!.results.length) throw new ApiError('listing_not_found', 'Listing not found')
  const booked = (ranges!.results as { start_date: string; end_date: string }[]).map((range) => ({
    start_date: range.start_date < from ? from : range.start_date,
    end_date: range.end_date > to ? to : range.end_date,
  }))
  return { listing_id: listingId, from, to, available: booked.length === 0, booked }
}
