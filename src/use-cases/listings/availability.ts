import { sql } from 'drizzle-orm'
import type { Services } from '../context'
import { prepare, runBatchNamed } from '../../adapters/d1/client'
import { ApiError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import { validateAvailabilityWindow } from '../../domain/rental-dates'
import { bookedRangesStatement } from '../../adapters/d1/rental-statements'

/**
 * Date ranges of [from, to) held by pending (on hold or paid) or active rentals, clipped to the window. The
 * listing's existence and its booked ranges are read in one D1 round trip.
 */
export async function listingAvailability({ db }: Services, listingId: string, from: string, to: string) {
  validateAvailabilityWindow(from, to)
  const read = await runBatchNamed(db, [], {
    listing: prepare(db, sql`SELECT id FROM listings WHERE id = ${listingId}`),
    ranges: bookedRangesStatement(db, listingId, { from, to }, nowIso()),
  })
  if (!read.listing.results.length) throw new ApiError('listing_not_found', 'Listing not found')
  const booked = (read.ranges.results as { start_date: string; end_date: string }[]).map((range) => ({
    start_date: range.start_date < from ? from : range.start_date,
    end_date: range.end_date > to ? to : range.end_date,
  }))
  return { listing_id: listingId, from, to, available: booked.length === 0, booked }
}
