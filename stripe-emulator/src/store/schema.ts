/**
 * Tables of the emulator's Durable Object; `objects` holds every Stripe object as JSON, each in the scope of
 * one Stripe account: `account` is NULL for the platform's objects, or the connected account's id (objects
 * reached with the `Stripe-Account` header: its payouts, its events, its own payments). `payment_method_cards`
 * holds what Stripe knows of a PaymentMethod but does not show: the test card it was made from, whether it was
 * set up for off-session payments, and whether it is spent (used once without a Customer, or detached).
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created INTEGER NOT NULL,
  charge TEXT,
  payment_intent TEXT,
  data TEXT NOT NULL,
  account TEXT
);
CREATE INDEX IF NOT EXISTS objects_type_seq ON objects (type, seq);
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY,
  request TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  sort_key REAL NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_http_status INTEGER,
  last_error TEXT,
  fault_id INTEGER,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, sort_key);
CREATE TABLE IF NOT EXISTS faults (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  remaining INTEGER NOT NULL,
  method TEXT,
  path_prefix TEXT,
  options TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payment_method_cards (
  id TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  set_up_off_session INTEGER NOT NULL DEFAULT 0,
  spent INTEGER NOT NULL DEFAULT 0
);
`

/** Brings a state written before Connect (no `objects.account`) up to date; then the account index. */
export function migrate(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(objects)').toArray()
  if (!columns.some((column) => column.name === 'account'))
    sql.exec('ALTER TABLE objects ADD COLUMN account TEXT')
  sql.exec('CREATE INDEX IF NOT EXISTS objects_account_type_seq ON objects (account, type, seq)')
}

export const TABLES = [
  'objects',
  'idempotency',
  'deliveries',
  'faults',
  'config',
  'payment_method_cards',
] as const
