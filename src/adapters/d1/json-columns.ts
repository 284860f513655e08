import * as z from '../../lib/zod'
import { getTableColumns, type GetColumnData } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'

/**
 * A resource as the API shows it, declared once: each JSON key (in answer order) → the column it shows.
 * From it come the TypeScript type of the JSON (`JsonOf`), the zod schema of the API's answers and OpenAPI
 * document (`jsonSchema`), the mapper for rows read through Drizzle (`jsonMapper`) and, for lists, the
 * `json_object(...)` that SQLite writes the same fields with.
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

type FieldOf<C extends SQLiteColumn> = z.ZodType<GetColumnData<C>>
export type JsonShape<M extends JsonColumns> = { -readonly [K in keyof M]: FieldOf<M[K]> }

/** Documentation (and tighter types) for some fields; every other field is what its column says. */
export type JsonRefinements<M extends JsonColumns> = {
  [K in keyof M]?: (field: FieldOf<M[K]>) => FieldOf<M[K]>
}

/** The field a column gives: its enum, integer, boolean or text, nullable when the column is. */
function fieldOf(column: SQLiteColumn): z.ZodType {
  const values = (column as { enumValues?: [string, ...string[]] }).enumValues
  const base =
    values && values.length
      ? z.enum(values)
      : column.dataType === 'number'
        ? z.number().int()
        : column.dataType === 'boolean'
          ? z.boolean()
          : z.string()
  return column.notNull ? base : base.nullable()
}

/** The zod schema of a resource's JSON, field by field from its columns, in answer order. */
export function jsonSchema<M extends JsonColumns>(
  columns: M,
  refinements: JsonRefinements<M> = {},
): z.ZodObject<JsonShape<M>> {
  const shape: Record<string, z.ZodType> = {}
  for (const [json, column] of Object.entries(columns)) {
    const refine = refinements[json as keyof M]
    const field = fieldOf(column) as FieldOf<M[keyof M]>
    shape[json] = refine ? refine(field) : field
  }
  return z.object(shape) as unknown as z.ZodObject<JsonShape<M>>
}
