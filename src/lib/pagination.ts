import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from '../db/client'
import { encodeCursor } from './schemas'

export interface Page<T> {
  rows: T[]
  nextCursor: string | null
}

/** Rows are fetched with limit + 1: the extra row only says that another page exists. */
export function pageOfRows<T extends { createdAt: string; id: string }>(rows: T[], limit: number): Page<T> {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  }
}

/** Newest first on (created_at, id), the order every list of the API uses. */
export const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.createdAt < b.createdAt ? 1 : -1

export type Party = 'renter' | 'owner'

/**
 * A page of what the caller has as renter, as owner, or (no role) both: both parties' pages are read in one
 * batch and merged. Each is an index range read ((renter_id|owner_id)[, status], created_at, id), so at most
 * 2 × (limit + 1) rows are read, where one `renter_id = ? OR owner_id = ?` query would scan or sort.
 */
export async function pageForParties<T extends { createdAt: string; id: string }>(
  db: Database,
  role: Party | undefined,
  limit: number,
  query: (party: Party) => BatchItem<'sqlite'> & PromiseLike<T[]>,
): Promise<Page<T>> {
  if (role) return pageOfRows(await query(role), limit)
  const [asRenter, asOwner] = (await db.batch([query('renter'), query('owner')])) as [T[], T[]]
  const merged = [...new Map([...asRenter, ...asOwner].map((row) => [row.id, row])).values()]
  return pageOfRows(merged.sort(newestFirst), limit)
}
