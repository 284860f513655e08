import { and, asc, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm'
import type { Services } from '../context'
import type { Database } from '../../adapters/d1/client'
import { listings } from '../../adapters/d1/schema'
import { authorizeListingOwner, type Actor } from '../../domain/access'
import type { CancellationPolicy } from '../../domain/cancellation-policies'
import { ApiError } from '../../lib/errors'
import { jsonMapper } from '../../adapters/d1/json-columns'
import { newId } from '../../lib/ids'
import { pageBy, pageOfRows, type Page } from '../../adapters/d1/pagination'
import { cursorOf, cursorParts, decodeCursor } from '../../lib/cursor'
import { nowIso } from '../../lib/time'
import { getInstrument, type InstrumentCategory } from '../instruments'
import { ownerCanBePaid } from '../payouts/payout-accounts'
import type { Listing } from '../../adapters/d1/schema'

export interface NewListing {
  instrument_id: string
  title: string
  description?: string
  location?: string
  daily_rate: number
  currency: string
  deposit_amount: number
  active: boolean
  cancellation_policy: CancellationPolicy
  time_zone: string
}

export async function createListing(services: Services, owner: Actor, input: NewListing): Promise<Listing> {
  const { db } = services
  const ownerId = owner.id
  const instrument = await getInstrument(services, input.instrument_id)
  if (input.active) await requirePayableOwner(services, ownerId)
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
      cancellationPolicy: input.cancellation_policy,
      timeZone: input.time_zone,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  return listing!
}

export async function getListing({ db }: Pick<Services, 'db'>, id: string): Promise<Listing> {
  const listing = await db.query.listings.findFirst({ where: eq(listings.id, id) })
  if (!listing) throw new ApiError('listing_not_found', 'Listing not found')
  return listing
}

/**
 * A listing is offered for rent only when its owner can be paid: with OWNER_PAYOUTS (stripe_connect), their
 * payout account must be able to receive transfers (409 payout_account_required otherwise).
 */
async function requirePayableOwner(services: Services, ownerId: string) {
  if (services.settings.OWNER_PAYOUTS === 'off') return
  if (await ownerCanBePaid(services, ownerId, services.clock())) return
  throw new ApiError(
    'payout_account_required',
    'A listing can be offered for rent once your payout account can receive transfers: finish onboarding (POST /api/me/payout-account/onboarding-link)',
  )
}

/** Owner only; setting the flag it already has is a harmless repeat. */
export async function setListingActive(services: Services, owner: Actor, id: string, active: boolean) {
  const { db } = services
  const listing = await getListing({ db }, id)
  authorizeListingOwner(owner, listing)
  if (active && !listing.active) await requirePayableOwner(services, listing.ownerId)
  const ownerId = owner.id
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
 * Newest first on (created_at, id); the equality filters match an index prefix (db/schema.ts), so the read
 * covers only matching rows. With a rate bound (which requires a currency) the page is cheapest first on
 * (daily_rate, id) instead, so that the rate range is an index range too rather than a filter on a scan.
 */
export function listingSearchQuery(db: Database, search: ListingSearch) {
  const byRate = search.min_rate !== undefined || search.max_rate !== undefined
  const conditions: (SQL | undefined)[] = [
    eq(listings.active, search.active),
    search.category && eq(listings.category, search.category),
    search.currency !== undefined ? eq(listings.currency, search.currency) : undefined,
    search.owner_id !== undefined ? eq(listings.ownerId, search.owner_id) : undefined,
    search.min_rate !== undefined ? gte(listings.dailyRate, search.min_rate) : undefined,
    search.max_rate !== undefined ? lte(listings.dailyRate, search.max_rate) : undefined,
    byRate ? afterRate(search.cursor) : afterNewest(search.cursor),
  ]
  return db
    .select()
    .from(listings)
    .where(and(...conditions))
    .orderBy(
      ...(byRate
        ? [asc(listings.dailyRate), asc(listings.id)]
        : [desc(listings.createdAt), desc(listings.id)]),
    )
    .limit(search.limit + 1)
}

function afterNewest(cursor: string | undefined) {
  const after = decodeCursor(cursor)
  return after && sql`(${listings.createdAt}, ${listings.id}) < (${after.createdAt}, ${after.id})`
}

function afterRate(cursor: string | undefined) {
  if (!cursor) return undefined
  const [, rate, id] = cursorParts(
    cursor,
    ([kind, rate, id]) => kind === 'rate' && Boolean(id) && /^\d+$/.test(rate ?? ''),
    'Not a cursor returned by this API for this search',
  )
  return sql`(${listings.dailyRate}, ${listings.id}) > (${Number(rate)}, ${id})`
}

export async function searchListings({ db }: Services, search: ListingSearch): Promise<Page<Listing>> {
  const rows = await listingSearchQuery(db, search)
  if (search.min_rate === undefined && search.max_rate === undefined) return pageOfRows(rows, search.limit)
  return pageBy(rows, search.limit, (last) => cursorOf('rate', last.dailyRate, last.id))
}

/** A listing as the API shows it: JSON key → column, in answer order. */
export const listingColumns = {
  id: listings.id,
  instrument_id: listings.instrumentId,
  owner_id: listings.ownerId,
  category: listings.category,
  title: listings.title,
  description: listings.description,
  location: listings.location,
  daily_rate: listings.dailyRate,
  currency: listings.currency,
  deposit_amount: listings.depositAmount,
  active: listings.active,
  cancellation_policy: listings.cancellationPolicy,
  time_zone: listings.timeZone,
  created_at: listings.createdAt,
  updated_at: listings.updatedAt,
}

export const toListingJson = jsonMapper<typeof listingColumns, Listing>(listings, listingColumns)
