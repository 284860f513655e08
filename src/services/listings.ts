import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../db/client'
import { listings } from '../db/schema'
import { ApiError } from '../lib/errors'
import { newId } from '../lib/ids'
import { pageOfRows } from '../lib/pagination'
import { decodeCursor } from '../lib/schemas'
import { nowIso } from '../lib/time'
import { getInstrument, type InstrumentCategory } from './instruments'

export type Listing = typeof listings.$inferSelect

export interface NewListing {
  instrument_id: string
  title: string
  description?: string
  location?: string
  daily_rate: number
  currency: string
  deposit_amount: number
  active: boolean
}

export async function createListing(db: Database, ownerId: string, input: NewListing): Promise<Listing> {
  const instrument = await getInstrument(db, input.instrument_id)
  const now = nowIso()
  const [listing] = await db
    .insert(listings)
    .values({
      id: newId('lst'),
      instrumentId: instrument.id,
      ownerId,
      category: instrument.category,
      title: input.title,
      description: input.description ?? null,
      location: input.location ?? null,
      dailyRate: input.daily_rate,
      currency: input.currency,
      depositAmount: input.deposit_amount,
      active: input.active,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  return listing!
}

export async function getListing(db: Database, id: string): Promise<Listing> {
  const listing = await db.query.listings.findFirst({ where: eq(listings.id, id) })
  if (!listing) throw new ApiError('listing_not_found', 'Listing not found')
  return listing
}

/** Owner only; setting the flag it already has is a harmless repeat. */
export async function setListingActive(db: Database, ownerId: string, id: string, active: boolean) {
  const listing = await getListing(db, id)
  if (listing.ownerId !== ownerId)
    throw new ApiError('not_owner', 'Only the owner of this listing may change it')
  const [updated] = await db
    .update(listings)
    .set({ active, updatedAt: nowIso() })
    .where(and(eq(listings.id, id), eq(listings.ownerId, ownerId)))
    .returning()
  return updated!
}

export interface ListingSearch {
  category?: InstrumentCategory
  currency?: string
  min_rate?: number
  max_rate?: number
  owner_id?: string
  active: boolean
  limit: number
  cursor?: string
}

/**
 * Newest first on (created_at, id). The equality filters match an index prefix (db/schema.ts) so the scan
 * reads only matching rows; rate bounds require a currency and are checked on the rows of that index.
 */
export function listingSearchQuery(db: Database, search: ListingSearch) {
  const after = decodeCursor(search.cursor)
  const conditions: (SQL | undefined)[] = [
    eq(listings.active, search.active),
    search.category && eq(listings.category, search.category),
    search.currency !== undefined ? eq(listings.currency, search.currency) : undefined,
    search.owner_id !== undefined ? eq(listings.ownerId, search.owner_id) : undefined,
    search.min_rate !== undefined ? gte(listings.dailyRate, search.min_rate) : undefined,
    search.max_rate !== undefined ? lte(listings.dailyRate, search.max_rate) : undefined,
    after && sql`(${listings.createdAt}, ${listings.id}) < (${after.createdAt}, ${after.id})`,
  ]
  return db
    .select()
    .from(listings)
    .where(and(...conditions))
    .orderBy(desc(listings.createdAt), desc(listings.id))
    .limit(search.limit + 1)
}

export async function searchListings(db: Database, search: ListingSearch) {
  return pageOfRows(await listingSearchQuery(db, search), search.limit)
}

export const toListingJson = (listing: Listing) => ({
  id: listing.id,
  instrument_id: listing.instrumentId,
  owner_id: listing.ownerId,
  category: listing.category,
  title: listing.title,
  description: listing.description,
  location: listing.location,
  daily_rate: listing.dailyRate,
  currency: listing.currency,
  deposit_amount: listing.depositAmount,
  active: listing.active,
  created_at: listing.createdAt,
  updated_at: listing.updatedAt,
})
