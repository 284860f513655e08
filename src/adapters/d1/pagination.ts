import { getTableName } from 'drizzle-orm'
import type { Context, TypedResponse } from 'hono'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Database } from './client'
import type { JsonColumns, JsonOf } from './json-columns'
import { decodeCursor, encodeCursor } from '../../lib/cursor'

export interface Page<T> {
  rows: T[]
  nextCursor: string | null
}

/**
 * The one pager of every list: rows are fetched with limit + 1 (the extra row only says that another page
 * exists), and the next cursor is made from the last row kept, by the list's own order.
 */
export function pageBy<R>(rows: R[], limit: number, cursorAfter: (last: R) => string): Page<R> {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? cursorAfter(last) : null }
}

/** Newest first, on (created_at, id). */
export const pageOfRows = <T extends { createdAt: string; id: string }>(rows: T[], limit: number) =>
  pageBy(rows, limit, (last) => encodeCursor(last.createdAt, last.id))

export type Party = 'renter' | 'owner'

/** A list's query: whose side (none: both), which status, page size, and where the last page ended. */
export interface PartySearch<Status extends string = string> {
  role?: Party
  status?: Status
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

/** A list whose items SQLite writes as JSON (`json_object`), one item per row, with `columns`' fields. */
export interface JsonList<M extends JsonColumns> {
  table: PartyTable
  columns: M
}

/** The JSON text of one `T`, as SQLite wrote it. */
export type JsonText<T> = string & { readonly json: T }

export interface JsonPage<T> {
  items: JsonText<T>[]
  nextCursor: string | null
}

const statements = new WeakMap<JsonList<JsonColumns>, Map<string, string>>()

/**
 * One statement for a page of what the caller has as renter, as owner, or (no role) both, newest first. Each
 * party is an index range ((renter_id|owner_id)[, status], created_at, id) already in the page's order, so
 * SQLite merges the two ranges (MERGE (UNION ALL)) and stops after limit + 1 rows: about limit rows read,
 * nothing sorted, each item written once by `json_object`. (`renter_id = ? OR owner_id = ?` would scan or
 * sort; a UNION ALL wrapped in a subquery sorts through a temporary B-tree.) Raw SQL, built once per shape and
 * isolate: this is the hottest read, and building it through the query builder cost more CPU than running it.
 */
export function partyPageQuery(
  list: JsonList<JsonColumns>,
  userId: string,
  search: PartySearch,
): { sql: string; params: (string | number)[] } {
  const parties: Party[] = search.role ? [search.role] : ['renter', 'owner']
  const after = decodeCursor(search.cursor)
  const params: (string | number)[] = []
  for (let arm = 0; arm < parties.length; arm++) {
    params.push(userId)
    if (search.status) params.push(search.status)
    if (after) params.push(after.createdAt, after.id)
  }
  params.push(search.limit + 1)
  const shape = `${parties.join('+')}${search.status ? '|status' : ''}${after ? '|after' : ''}`
  let byShape = statements.get(list)
  if (!byShape) statements.set(list, (byShape = new Map()))
  let text = byShape.get(shape)
  if (!text) byShape.set(shape, (text = partyPageSql(list, parties, Boolean(search.status), Boolean(after))))
  return { sql: text, params }
}

function partyPageSql(
  list: JsonList<JsonColumns>,
  parties: Party[],
  byStatus: boolean,
  after: boolean,
): string {
  const { table } = list
  const column = (c: SQLiteColumn) => `"${c.name}"`
  const item = Object.entries(list.columns).map(([key, c]) => `'${key}', ${column(c)}`)
  const arms = parties.map((party) => {
    const conditions = [`${column(party === 'renter' ? table.renterId : table.ownerId)} = ?`]
    if (byStatus) conditions.push(`${column(table.status)} = ?`)
    if (after) conditions.push(`(${column(table.createdAt)}, ${column(table.id)}) < (?, ?)`)
    return `SELECT json_object(${item.join(', ')}) AS item, ${column(table.createdAt)}, ${column(table.id)}
      FROM "${getTableName(table)}" WHERE ${conditions.join(' AND ')}`
  })
  return `${arms.join(' UNION ALL ')} ORDER BY ${column(table.createdAt)} DESC, ${column(table.id)} DESC LIMIT ?`
}

type ItemRow<T> = [item: JsonText<T>, createdAt: string, id: string]

/** A page of `list` for the caller, newest first, each item already JSON: one D1 call, rows as arrays. */
export async function pageForParties<M extends JsonColumns>(
  db: Database,
  list: JsonList<M>,
  userId: string,
  search: PartySearch,
): Promise<JsonPage<JsonOf<M>>> {
  const query = partyPageQuery(list, userId, search)
  const rows = await db.$client
    .prepare(query.sql)
    .bind(...query.params)
    .raw<ItemRow<JsonOf<M>>>()
  const page = pageBy(rows, search.limit, ([, createdAt, id]) => encodeCursor(createdAt, id))
  return { items: page.rows.map(([item]) => item), nextCursor: page.nextCursor }
}

/** `{"data": [...], "next_cursor": ...}` around items that are JSON text already. */
export function jsonPageBody<T>(page: JsonPage<T>): string {
  return `{"data":[${page.items.join(',')}],"next_cursor":${JSON.stringify(page.nextCursor)}}`
}

/** A page as the route's typed JSON answer (c.json would only re-serialise what SQLite wrote). */
export function jsonPageResponse<T>(c: Context, page: JsonPage<T>) {
  return c.body(jsonPageBody(page), 200, { 'Content-Type': 'application/json' }) as unknown as TypedResponse<
    { data: T[]; next_cursor: string | null },
    200,
    'json'
  >
}
