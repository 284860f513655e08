// `npm run bench:scale` (docs/SCALE.md): what a rental and its payment cost in D1 storage, how many fit in
// one database, and how long their writes keep SQLite busy.
//
// The schema is migrations/*.sql; the data is bench/seed.mjs's data set (SCALE_RENTALS rentals, default
// 100,000, each with its payment; 10% cancelled and refunded), with ids as long as the API's (`rnt_` + 20
// characters, Stripe's `pi_` + 24) and, per payment, the rows a real payment leaves besides its rental and
// payment (counted on the test suite's flow: book → initiate → pay → confirm → webhooks): 4 audit rows, its
// receipt, 3 Stripe event ids; a refunded one also its refund, 4 more audit rows, its credit note and 3 more
// event ids. SQLite is node:sqlite with D1's page size (4096); sizes come from its dbstat table after VACUUM.
import { DatabaseSync } from 'node:sqlite'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchDataSet } from './seed.mjs'
import { migrationStatements } from './serve.mjs'

const RENTALS = Number(process.env.SCALE_RENTALS ?? 100_000)
const D1_MAX_BYTES = 10 * 1000 ** 3 // 10 GB, D1's limit per database (Workers Paid): it cannot be raised

const dir = mkdtempSync(join(tmpdir(), 'backline-scale-'))
const file = join(dir, 'scale.sqlite')
const db = new DatabaseSync(file)
const started = performance.now()
try {
  for (const statement of migrationStatements()) db.exec(statement)

  // The API's ids are a prefix and 20 characters, Stripe's a prefix and 24: the bench's are shorter.
  const realIds = (sql) =>
    sql
      .replace(/_bench(\d{9})/g, '_benchXXXXXX$1')
      .replace(/'(pi|ch|re)_bench(\d+)'/g, (_, prefix, n) => `'${prefix}_${n.padStart(24, '0')}'`)
  const data = benchDataSet(RENTALS)
  db.exec('BEGIN')
  for (const statement of data.statements) db.exec(realIds(statement))

  // What a payment leaves besides its rental and payment rows (src/adapters/d1/transitions.ts writes one
  // audit row per move; documents.ts one receipt or credit note; handle-event.ts one row per event applied).
  const audit = db.prepare(
    'INSERT INTO audit_log (id, entity_type, entity_id, from_status, to_status, source, actor_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const document = db.prepare(
    'INSERT INTO documents (kind, number, source_id, payment_id, issued_at) VALUES (?, ?, ?, ?, ?)',
  )
  const event = db.prepare(
    'INSERT INTO stripe_events (id, type, object_id, processed_at) VALUES (?, ?, ?, ?)',
  )
  const id20 = (prefix, n) => `${prefix}_${String(n).padStart(20, '0')}`
  let serial = 0
  let receipts = 0
  let creditNotes = 0
  const payments = db
    .prepare('SELECT id, rental_id, status, stripe_payment_intent_id, created_at FROM payments')
    .all()
  for (const payment of payments) {
    const at = payment.created_at
    const moves = [
      ['rental', payment.rental_id, null, 'pending', null],
      ['payment', payment.id, null, 'pending', 'attempt 1'],
      ['payment', payment.id, 'pending', 'completed', null],
      ['rental', payment.rental_id, 'pending', 'active', 'paid'],
    ]
    const events = ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']
    document.run('receipt', ++receipts, payment.id, payment.id, at)
    if (payment.status === 'refunded') {
      const refund = db.prepare('SELECT id FROM refunds WHERE payment_id = ?').get(payment.id)
      moves.push(
        ['refund', refund.id, null, 'pending', null],
        ['refund', refund.id, 'pending', 'succeeded', null],
        ['payment', payment.id, 'completed', 'refunded', null],
        ['rental', payment.rental_id, 'active', 'cancelled', 'refunded'],
      )
      events.push('refund.created', 'charge.refunded', 'refund.updated')
      document.run('credit_note', ++creditNotes, refund.id, payment.id, at)
    }
    for (const [type, entity, from, to, detail] of moves)
      audit.run(id20('aud', serial++), type, entity, from, to, 'api', null, detail, at)
    for (const type of events)
      event.run(`evt_${String(serial++).padStart(24, '0')}`, type, payment.stripe_payment_intent_id, at)
  }
  db.exec('COMMIT')
  db.exec('VACUUM')

  const pages = db
    .prepare(
      `SELECT m.tbl_name AS tbl, m.type AS kind, SUM(s.pgsize) AS bytes, SUM(s.ncell) AS cells
       FROM dbstat s JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name, m.type`,
    )
    .all()
  // An automatic index (sqlite_autoindex_…: primary keys on text) is not in sqlite_master; count it with its table.
  const auto = db
    .prepare(
      `SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name LIKE 'sqlite_autoindex_%' GROUP BY name`,
    )
    .all()
  const byTable = {}
  for (const { tbl, kind, bytes } of pages) {
    byTable[tbl] ??= { table: 0, indexes: 0 }
    byTable[tbl][kind === 'index' ? 'indexes' : 'table'] += bytes
  }
  for (const { name, bytes } of auto) {
    const tbl = name.replace(/^sqlite_autoindex_/, '').replace(/_\d+$/, '')
    byTable[tbl] ??= { table: 0, indexes: 0 }
    byTable[tbl].indexes += bytes
  }
  const rows = Object.fromEntries(
    Object.keys(byTable).map((tbl) => [tbl, db.prepare(`SELECT count(*) AS n FROM "${tbl}"`).get().n]),
  )

  const kib = (bytes) => (bytes / 1024).toFixed(1)
  console.log(
    `scale: ${RENTALS.toLocaleString('en')} rentals with their payments (bench/seed.mjs), ${data.counts.users.toLocaleString('en')} users, ${data.counts.listings.toLocaleString('en')} listings; file ${kib(statSync(file).size)} KiB (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  )
  console.log('table                      rows   table KiB   index KiB   bytes/row (with indexes)')
  for (const [tbl, { table, indexes }] of Object.entries(byTable).sort((a, b) => b[1].table - a[1].table)) {
    if (!rows[tbl]) continue
    console.log(
      `${tbl.padEnd(22)} ${String(rows[tbl]).padStart(9)} ${kib(table).padStart(11)} ${kib(indexes).padStart(11)} ${((table + indexes) / rows[tbl]).toFixed(0).padStart(11)}`,
    )
  }
  const perPayment = ['rentals', 'payments', 'refunds', 'audit_log', 'documents', 'stripe_events']
  const flowBytes = perPayment.reduce((sum, tbl) => sum + byTable[tbl].table + byTable[tbl].indexes, 0)
  const perFlow = flowBytes / RENTALS
  const otherBytes = Object.entries(byTable)
    .filter(([tbl]) => !perPayment.includes(tbl))
    .reduce((sum, [, { table, indexes }]) => sum + table + indexes, 0)
  console.log(
    `per rental with its payment (rentals, payments, refunds, audit_log, documents, stripe_events, indexes included): ${perFlow.toFixed(0)} bytes`,
  )
  console.log(
    `users, instruments and listings: ${kib(otherBytes)} KiB for ${data.counts.users.toLocaleString('en')} users and ${data.counts.listings.toLocaleString('en')} listings (${(otherBytes / data.counts.listings).toFixed(0)} bytes per listing with its instrument and a tenth of a user each)`,
  )
  console.log(
    `one D1 database (10 GB) holds about ${(D1_MAX_BYTES / perFlow / 1e6).toFixed(1)} million rentals with their payments at this mix (users and listings aside)`,
  )

  // How long a payment's writes keep SQLite busy, at this size: the statements of one flow (booking, initiate,
  // confirm, three events) in the transactions the API sends them in, on this machine, no network, no fsync
  // (D1 makes writes durable by replicating them, not with an fsync on the Worker's machine).
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = OFF')
  const flows = 5000
  const insertRental = db.prepare(
    `INSERT INTO rentals (id, listing_id, renter_id, owner_id, start_date, end_date, days, daily_rate, amount, currency, deposit_amount, status, hold_expires_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, '2030-01-01', '2030-01-04', 3, 2500, 7500, 'usd', 0, 'pending', ?, ?, ?)`,
  )
  const insertPayment = db.prepare(
    `INSERT INTO payments (id, rental_id, renter_id, owner_id, amount, currency, status, platform_fee, owner_payout_amount, stripe_payment_intent_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, 7500, 'usd', 'pending', 750, 6750, ?, ?, ?)`,
  )
  const completePayment = db.prepare(
    "UPDATE payments SET status = 'completed', completed_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
  )
  const activateRental = db.prepare(
    "UPDATE rentals SET status = 'active', updated_at = ? WHERE id = ? AND status = 'pending'",
  )
  const listing = db.prepare('SELECT id, owner_id FROM listings LIMIT 1').get()
  const renter = db.prepare("SELECT id FROM users WHERE email LIKE 'renter%' LIMIT 1").get()
  const t0 = performance.now()
  for (let i = 0; i < flows; i++) {
    const at = new Date().toISOString()
    const rental = id20('rnt', 9e9 + i)
    const payment = id20('pay', 9e9 + i)
    const intent = `pi_${String(9e9 + i).padStart(24, '0')}`
    db.exec('BEGIN')
    insertRental.run(rental, listing.id, renter.id, listing.owner_id, at, at, at)
    audit.run(id20('aud', serial++), 'rental', rental, null, 'pending', 'api', renter.id, null, at)
    db.exec('COMMIT')
    db.exec('BEGIN')
    insertPayment.run(payment, rental, renter.id, listing.owner_id, intent, at, at)
    audit.run(id20('aud', serial++), 'payment', payment, null, 'pending', 'api', renter.id, 'attempt 1', at)
    db.exec('COMMIT')
    db.exec('BEGIN')
    completePayment.run(at, at, payment)
    activateRental.run(at, rental)
    audit.run(id20('aud', serial++), 'payment', payment, 'pending', 'completed', 'api', renter.id, null, at)
    audit.run(id20('aud', serial++), 'rental', rental, 'pending', 'active', 'api', renter.id, 'paid', at)
    document.run('receipt', ++receipts, payment, payment, at)
    db.exec('COMMIT')
    for (const type of ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']) {
      db.exec('BEGIN')
      event.run(`evt_${String(serial++).padStart(24, '0')}`, type, intent, at)
      db.exec('COMMIT')
    }
  }
  const perFlowMs = (performance.now() - t0) / flows
  console.log(
    `writes of one payment flow (6 write transactions, 12 statements) take ${(perFlowMs * 1000).toFixed(0)} µs of SQLite here (no fsync): at most ~${Math.floor(1000 / perFlowMs).toLocaleString('en')} flows/s on one database if SQLite were all (it is not: D1 adds its own per-query work; docs/SCALE.md)`,
  )
} finally {
  db.close()
  rmSync(dir, { recursive: true, force: true })
}
