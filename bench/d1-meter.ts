/**
 * Meters what a D1 binding costs: round trips, rows read and rows written, as D1 reports them in each
 * result's `meta`. Bench build and tests only.
 *
 * The wrapper sits below the D1 client, on the binding's own `fetcher` (workerd's D1Database sends every
 * `prepare().all/first/run/raw`, `batch` and `exec` as one request to it), because Drizzle's selects use
 * `raw()`, whose meta the public API drops. A new D1Database is built around the metered fetcher with the
 * binding's own constructor, so the app runs on the real D1 client code.
 */
export interface D1Meter {
  /** Round trips to D1: one per statement run, one per batch. */
  calls: number
  /** Statements executed (a batch of 3 counts 3). */
  statements: number
  /** Round trips that changed the database (one write batch counts 1). */
  writeCalls: number
  rowsRead: number
  rowsWritten: number
}

export const newMeter = (): D1Meter => ({
  calls: 0,
  statements: 0,
  writeCalls: 0,
  rowsRead: 0,
  rowsWritten: 0,
})

interface D1ResultMeta {
  rows_read?: number
  rows_written?: number
  changed_db?: boolean
}

type D1Binding = D1Database & { fetcher?: Fetcher }
type D1Constructor = new (fetcher: Pick<Fetcher, 'fetch'>) => D1Database

function record(meter: D1Meter, body: unknown) {
  const results = (Array.isArray(body) ? body : [body]) as { meta?: D1ResultMeta }[]
  meter.calls += 1
  meter.statements += results.length
  let wrote = false
  for (const { meta } of results) {
    meter.rowsRead += meta?.rows_read ?? 0
    meter.rowsWritten += meta?.rows_written ?? 0
    wrote ||= Boolean(meta?.changed_db || meta?.rows_written)
  }
  if (wrote) meter.writeCalls += 1
}

/** A D1 binding that adds every round trip's figures to `meterOf()` (nothing when it returns undefined). */
export function meteredD1(db: D1Database, meterOf: () => D1Meter | undefined): D1Database {
  const inner = (db as D1Binding).fetcher
  if (!inner) throw new Error('meteredD1: this D1 binding has no fetcher (workerd internals changed?)')
  const fetcher = {
    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      const response = await inner.fetch(input as RequestInfo, init)
      const meter = meterOf()
      if (meter) record(meter, await response.clone().json())
      return response
    },
  }
  return new (db.constructor as D1Constructor)(fetcher)
}

/** One meter for one request: a fresh binding bound to a fresh meter (tests). */
export function countingD1(db: D1Database): { db: D1Database; meter: D1Meter } {
  const meter = newMeter()
  return { db: meteredD1(db, () => meter), meter }
}
