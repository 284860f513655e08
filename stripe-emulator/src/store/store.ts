import { migrate, SCHEMA, TABLES } from './schema'

export interface StoredObject {
  id: string
  object: string
  created: number
}

interface Links {
  charge?: string | null
  payment_intent?: string | null
}

/**
 * Synchronous access to the Durable Object's SQLite: one request's writes never interleave with another's.
 * A Store sees one Stripe account's objects: the platform's (`account` null), or a connected account's
 * (`forAccount`), as the `Stripe-Account` header scopes a request. Config, faults, keys and the webhook
 * outbox belong to the whole emulated Stripe (the namespace).
 */
export class Store {
  private constructor(
    readonly sql: SqlStorage,
    readonly account: string | null,
  ) {}

  static open(sql: SqlStorage): Store {
    sql.exec(SCHEMA)
    migrate(sql)
    return new Store(sql, null)
  }

  /** The same storage seen as one connected account (null: the platform). */
  forAccount(account: string | null): Store {
    return account === this.account ? this : new Store(this.sql, account)
  }

  /** Unix seconds, shifted by `POST /_emulator/clock/advance`. */
  now(): number {
    return Math.floor(Date.now() / 1000) + Number(this.getConfig('clock_offset') ?? 0)
  }

  get<T extends StoredObject>(id: string, type?: string): T | null {
    const row = this.sql
      .exec<{
        data: string
        type: string
      }>('SELECT data, type FROM objects WHERE id = ? AND account IS ?', id, this.account)
      .toArray()[0]
    if (!row || (type && row.type !== type)) return null
    return JSON.parse(row.data) as T
  }

  /** The account whose scope holds this object (null: the platform), or undefined when there is none. */
  scopeOf(id: string): string | null | undefined {
    const row = this.sql
      .exec<{ account: string | null }>('SELECT account FROM objects WHERE id = ?', id)
      .toArray()[0]
    return row ? row.account : undefined
  }

  put<T extends StoredObject>(object: T, links: Links = {}): T {
    this.sql.exec(
      `INSERT INTO objects (id, type, seq, created, charge, payment_intent, data, account)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM objects), ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
      object.id,
      object.object,
      object.created,
      links.charge ?? null,
      links.payment_intent ?? null,
      JSON.stringify(object),
      this.account,
    )
    return object
  }

  delete(id: string): void {
    this.sql.exec('DELETE FROM objects WHERE id = ? AND account IS ?', id, this.account)
  }

  /** Newest first, as every Stripe list is. */
  list<T extends StoredObject>(type: string, filter: Links = {}): T[] {
    const clauses = ['type = ?', 'account IS ?']
    const bindings: (string | null)[] = [type, this.account]
    for (const [column, value] of Object.entries(filter)) {
      if (!value) continue
      clauses.push(`${column} = ?`)
      bindings.push(value)
    }
    const query = `SELECT data FROM objects WHERE ${clauses.join(' AND ')} ORDER BY seq DESC`
    return this.sql
      .exec<{ data: string }>(query, ...bindings)
      .toArray()
      .map((row) => JSON.parse(row.data) as T)
  }

  getConfig(key: string): string | null {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM config WHERE key = ?', key).toArray()[0]
    return row?.value ?? null
  }

  setConfig(key: string, value: string | null): void {
    if (value === null) this.sql.exec('DELETE FROM config WHERE key = ?', key)
    else this.sql.exec('INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)', key, value)
  }

  reset(): void {
    for (const table of TABLES) this.sql.exec(`DELETE FROM ${table}`)
  }
}
