import type { Database } from '../db/client'
import { nowIso } from '../lib/time'
import { getListing } from './listings'
import { validateAvailabilityWindow } from './rental-dates'
import { bookedRanges } from './rental-statements'

/** Date ranges of [from, to) held by pending (on hold or paid) or active rentals, clipped to the window. */
export async function listingAvailability(db: Database, listingId: string, from: string, to: string) {
  validateAvailabilityWindow(from, to)
  const listing = await getListing(db, listingId)
  const booked = (await bookedRanges(db, listing.id, { from, to }, nowIso())).map((range) => ({
    start_date: range.start_date < from ? from : range.start_date,
    end_date: range.end_date > to ? to : range.end_date,
  }))
  return { listing_id: listing.id, from, to, available: booked.length === 0, booked }
}
