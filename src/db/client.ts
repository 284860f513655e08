import { getTableColumns, sql, type SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { SQLiteAsyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from './schema'

export function createDb(d1: D1Database) {
  return drizzle(d1, { schema })
}

export type Database = ReturnType<typeof createDb>

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

export async function runBatch(db: Database, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  return statements.length === 0 ? [] : db.$client.batch(statements)
}

/** A SELECT whose rows come back in the table's Drizzle shape (camelCase keys), for use inside a batch. */
export function selectRows<T extends SQLiteTable>(db: Database, table: T, where: SQL): D1PreparedStatement {
  const columns = Object.entries(getTableColumns(table))
    .map(([key, column]) => `"${column.name}" AS "${key}"`)
    .join(', ')
  return prepare(db, sql`SELECT ${sql.raw(columns)} FROM ${table} WHERE ${where}`)
}
