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
