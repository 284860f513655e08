import { env } from 'cloudflare:test'

const literal = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value}'`

/** Rows written straight to D1, 200 a statement, for tests that need a large data set fast (trusted values). */
export async function insertRows(table: string, columns: string[], rows: (string | number | null)[][]) {
  const statements: D1PreparedStatement[] = []
  for (let i = 0; i < rows.length; i += 200) {
    const values = rows.slice(i, i + 200).map((row) => `(${row.map(literal).join(',')})`)
    statements.push(env.DB.prepare(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`))
  }
  if (statements.length) await env.DB.batch(statements)
}

/** The columns of a row for `insertRentals`, in order. */
export const RENTAL_COLUMNS = [
  'id',
  'listing_id',
  'renter_id',
  'owner_id',
  'start_date',
  'end_date',
  'days',
  'daily_rate',
  'amount',
  'currency',
  'deposit_amount',
  'status',
  'hold_expires_at',
  'created_at',
  'updated_at',
]

/** Rentals written straight to D1, each row laid out as `RENTAL_COLUMNS`. */
export const insertRentals = (rows: (string | number | null)[][]) =>
  insertRows('rentals', RENTAL_COLUMNS, rows)

/** The columns of a row for `insertPayments`, in order, before any `extra` columns. */
export const PAYMENT_COLUMNS = [
  'id',
  'rental_id',
  'renter_id',
  'owner_id',
  'amount',
  'currency',
  'status',
  'platform_fee',
  'owner_payout_amount',
  'amount_refunded',
  'created_at',
  'updated_at',
]

/** Payments written straight to D1, each row laid out as `PAYMENT_COLUMNS` then `extra`. */
export const insertPayments = (rows: (string | number | null)[][], extra: string[] = []) =>
  insertRows('payments', [...PAYMENT_COLUMNS, ...extra], rows)
