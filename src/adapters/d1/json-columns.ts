import { getTableColumns, type GetColumnData } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'

/**
 * A resource as the API shows it, declared once: each JSON key (in answer order) → the column it shows.
 * From it come the TypeScript type of the JSON (`JsonOf`), the mapper for rows read through Drizzle
 * (`jsonMapper`) and, for lists, the `json_object(...)` that SQLite writes the same fields with.
 */
export type JsonColumns = Readonly<Record<string, SQLiteColumn>>

export type JsonOf<M extends JsonColumns> = { -readonly [K in keyof M]: GetColumnData<M[K]> }

/** Builds `{ json_key: row[drizzleKey], … }` for rows of `table`; the key pairs are worked out once. */
export function jsonMapper<M extends JsonColumns, Row extends object>(
  table: SQLiteTable,
  columns: M,
): (row: Row) => JsonOf<M> {
  const keyOf = new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [column, key]))
  const pairs = Object.entries(columns).map(([json, column]) => {
    const key = keyOf.get(column)
    if (!key) throw new Error(`column ${column.name} is not a column of this table`)
    return [json, key] as const
  })
  return (row) => {
    const json: Record<string, unknown> = {}
    for (const [name, key] of pairs) json[name] = (row as Record<string, unknown>)[key]
    return json as JsonOf<M>
  }
}
