import {
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  getTableColumns,
  sql,
  type SQL,
} from 'drizzle-orm'
import { DrizzleD1Database, type drizzle } from 'drizzle-orm/d1'
import { SQLiteD1Session } from 'drizzle-orm/d1/session'
import { SQLiteAsyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from './schema'

export type Database = ReturnType<typeof drizzle<typeof schema, D1Database>>

/** What a Drizzle client runs its statements on: the binding (the primary), or one D1 session. */
export type D1Client = D1Database | D1DatabaseSession

const dialect = new SQLiteAsyncDialect()

/** Drizzle's relational view of the schema (for `db.query.…`): worked out once per isolate, not per client. */
let relational: ConstructorParameters<typeof DrizzleD1Database<typeof schema>>[3] | undefined

/**
 * A Drizzle client on a D1 binding or session. Each request has its own session (read replication), so this
 * is called per request: it does what drizzle-orm/d1's drizzle(client, { schema }) does, minus working out
 * the relational config again (~25-50 µs each time; its classes are drizzle-orm/d1's own).
 */
export function createDb(client: D1Client): Database {
  if (!relational) {
    const { tables, tableNamesMap } = extractTablesRelationalConfig<NonNullable<typeof relational>['schema']>(
      schema,
      createTableRelationsHelpers,
    )
    relational = { fullSchema: schema, schema: tables, tableNamesMap }
  }
  const session = new SQLiteD1Session(client as D1Database, dialect, relational, {})
  const db = new DrizzleD1Database('async', dialect, session, relational) as Database
  db.$client = client as D1Database
  return db
}

/**
 * drizzle-orm cannot put raw `sql` with parameters into `db.batch` on D1 (its SQLiteRaw has no prepared
 * statement: https://github.com/drizzle-team/drizzle-orm/issues/2277), so conditional statements are
 * prepared here and sent through D1's own batch, which is atomic (D1 has no interactive transactions).
 */
export function prepare(db: Database, query: SQL): D1PreparedStatement {
  const { sql: text, params } = dialect.sqlToQuery(query)
  return db.$client.prepare(text).bind(...params)
}

/** A query-builder statement (insert/update/select) as a D1 statement, to batch it with raw ones. */
export function prepareBuilt(db: Database, query: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql: text, params } = query.toSQL()
  return db.$client.prepare(text).bind(...params)
}

/** One atomic batch of writes; to read results back, name them with runBatchNamed. */
export async function runBatch(db: Database, statements: readonly D1PreparedStatement[]): Promise<void> {
  if (statements.length) await db.$client.batch([...statements])
}

const aliases = new WeakMap<SQLiteTable, SQL>()

/** `"created_at" AS "createdAt", …`: a table's columns under their Drizzle keys, so rows need no mapping. */
export function columnsAsKeys(table: SQLiteTable): SQL {
  let list = aliases.get(table)
  if (!list) {
    const columns = Object.entries(getTableColumns(table)).map(
      ([key, column]) => `"${column.name}" AS "${key}"`,
    )
    list = sql.raw(columns.join(', '))
    aliases.set(table, list)
  }
  return list
}

/** A SELECT whose rows come back in the table's Drizzle shape (camelCase keys), for use inside a batch. */
export function selectRows<T extends SQLiteTable>(db: Database, table: T, where: SQL): D1PreparedStatement {
  return prepare(db, sql`SELECT ${columnsAsKeys(table)} FROM ${table} WHERE ${where}`)
}

/**
 * One atomic batch: `statements` first, then the `named` ones, whose results come back by name, so adding a
 * statement cannot silently shift which result a caller reads.
 */
export async function runBatchNamed<const N extends Record<string, D1PreparedStatement>>(
  db: Database,
  statements: readonly D1PreparedStatement[],
  named: N,
): Promise<{ [K in keyof N]: D1Result }> {
  const names = Object.keys(named) as (keyof N)[]
  const results = await db.$client.batch([...statements, ...names.map((name) => named[name]!)])
  const tail = results.slice(statements.length)
  return Object.fromEntries(names.map((name, index) => [name, tail[index]!])) as { [K in keyof N]: D1Result }
}
