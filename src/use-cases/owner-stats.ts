import { sql } from 'drizzle-orm'
import { prepare, runBatchNamed } from '../adapters/d1/client'
import type { Actor } from '../domain/access'
import { validateAvailabilityWindow } from '../domain/rental-dates'
import { daysBetween } from '../lib/time'
import type { Services } from './context'

interface MonthRow {
  month: string
  currency: string
  bookings: number
  nights: number
  revenue: number
  platform_fees: number
  refunds: number
}

interface ListingRow {
  listing_id: string
  title: string
  nights_booked: number
}

/**
 * An owner's figures for [from, to): per booking month and currency, the paid bookings, their nights, revenue,
 * platform fees, refunds and what is left; per listing, the nights booked (paid rentals, clipped to the window)
 * and the occupancy. Both are one index range each (the owner's payments by creation time, the owner's
 * listings and their rentals by dates), read in one D1 round trip.
 */
export async function ownerStats({ db, settings }: Services, owner: Actor, from: string, to: string) {
  validateAvailabilityWindow(from, to)
  // No rental lasts longer than MAX_RENTAL_DAYS: one that overlaps the window started at most that long before
  // it, which bounds the index range (listing, status, start_date) instead of reading the listing's history.
  const earliestStart = new Date(Date.parse(from) - settings.MAX_RENTAL_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10)
  const read = await runBatchNamed(db, [], {
    months: prepare(
      db,
      sql`SELECT substr(p.created_at, 1, 7) AS month, p.currency, COUNT(*) AS bookings, SUM(r.days) AS nights,
        SUM(p.amount) AS revenue, SUM(p.platform_fee) AS platform_fees, SUM(p.amount_refunded) AS refunds
      FROM payments p JOIN rentals r ON r.id = p.rental_id
      WHERE p.owner_id = ${owner.id} AND p.created_at >= ${from} AND p.created_at < ${to}
        AND p.completed_at IS NOT NULL
      GROUP BY month, p.currency ORDER BY month, p.currency`,
    ),
    listings: prepare(
      db,
      sql`SELECT l.id AS listing_id, l.title, COALESCE(SUM(
          MAX(0, julianday(MIN(r.end_date, ${to})) - julianday(MAX(r.start_date, ${from})))), 0) AS nights_booked
      FROM listings l LEFT JOIN rentals r ON r.listing_id = l.id AND r.status IN ('active', 'completed')
        AND r.start_date < ${to} AND r.end_date > ${from} AND r.start_date >= ${earliestStart}
      WHERE l.owner_id = ${owner.id}
      GROUP BY l.id ORDER BY l.created_at, l.id`,
    ),
  })
  const days = daysBetween(from, to)
  return {
    from,
    to,
    months: (read.months.results as MonthRow[]).map((row) => ({
      ...row,
      net: row.revenue - row.platform_fees - row.refunds,
    })),
    listings: (read.listings.results as ListingRow[]).map((row) => ({
      ...row,
      nights_booked: Math.round(row.nights_booked),
      days_in_window: days,
      occupancy: Math.round((row.nights_booked / days) * 1000) / 1000,
    })),
  }
}
