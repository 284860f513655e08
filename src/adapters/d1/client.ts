import { getTableColumns, sql, type SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { SQLiteAsyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from './schema'

const makeDb = (d1: D1Database) => drizzle(d1, { schema })

export type Database = ReturnType<typeof makeDb>

const clients = new WeakMap<D1Database, Database>()

/** One Drizzle client per D1 binding and isolate: building it (relational config) costs on every request. */
export function createDb(d1: D1Database): Database {
  let db = clients.get(d1)
  if (!db) {
    db = makeDb(d1)
    clients.set(d1, db)
  }
  return db
}

const dialect = new SQLiteAsyncDialect()

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
