import { sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { columnsAsKeys, prepare, runBatch, type Database } from '../db/client'
import { decodeCursor, encodeCursor } from './schemas'

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

export interface PartySearch {
  role?: Party
  status?: string
  limit: number
  cursor?: string
}

type PartyTable = SQLiteTable & {
  renterId: SQLiteColumn
  ownerId: SQLiteColumn
  status: SQLiteColumn
  createdAt: SQLiteColumn
  id: SQLiteColumn
}

/**
 * A page of what the caller has as renter, as owner, or (no role) both, newest first. Each party is one index
 * range read ((renter_id|owner_id)[, status], created_at, id) of at most limit + 1 rows; both parties' ranges
 * go in one D1 batch and are merged here, where one `renter_id = ? OR owner_id = ?` would scan or sort, and a
 * UNION ALL with an outer ORDER BY reads every row twice (a temporary B-tree). Raw SQL on purpose: this is the
 * hottest read, and building it through the query builder cost more CPU than running it (BENCHMARKS.md).
 */
export async function pageForParties<T extends { createdAt: string; id: string }>(
  db: Database,
  table: PartyTable,
  userId: string,
  search: PartySearch,
): Promise<Page<T>> {
  const parties: Party[] = search.role ? [search.role] : ['renter', 'owner']
  const pages = await runBatch(
    db,
    parties.map((party) => prepare(db, partyPageQuery(table, userId, party, search))),
  )
  const rows = pages.flatMap((page) => page.results as T[])
  return pageOfRows(parties.length > 1 ? rows.sort(newestFirst) : rows, search.limit)
}

export function partyPageQuery(table: PartyTable, userId: string, party: Party, search: PartySearch): SQL {
  const after = decodeCursor(search.cursor)
  return sql`SELECT ${columnsAsKeys(table)} FROM ${table}
    WHERE ${party === 'renter' ? table.renterId : table.ownerId} = ${userId}
      ${search.status ? sql`AND ${table.status} = ${search.status}` : sql``}
      ${after ? sql`AND (${table.createdAt}, ${table.id}) < (${after.createdAt}, ${after.id})` : sql``}
    ORDER BY ${table.createdAt} DESC, ${table.id} DESC LIMIT ${search.limit + 1}`
}
