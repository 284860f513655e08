// The bench data set, written straight to D1 as multi-row INSERTs (never through the API).
//
// For `rentals` = N: N/10 listings (10 rentals each, one instrument each), owned 5 per owner; N/10 renters;
// every rental has a payment (completed, or refunded with a refund row when the rental was cancelled).
// Two users matter to the figures:
//   alice: renter of 5% of all rentals and owner of 5% of all listings, so her pages grow with the data set;
//   bob:   owns nothing, rents nothing at first; he books during the POST /api/rentals and payment-flow runs.
import { pbkdf2Sync, randomBytes } from 'node:crypto'

export const BENCH_PASSWORD = 'bench-password-0123456789'
const DAY = 86_400_000
const BASE = Date.UTC(2025, 0, 1)
const CATEGORIES = ['guitar', 'bass', 'amplifier', 'keyboard', 'drums', 'other']

const id = (prefix, n) => `${prefix}_bench${String(n).padStart(9, '0')}`
const iso = (ms) => new Date(ms).toISOString()
const date = (ms) => iso(ms).slice(0, 10)
const q = (value) => (value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value}'`)

/** The API's own password format (src/lib/password.ts), at its iteration count, so that login costs what it does. */
function passwordHash(password) {
  const salt = randomBytes(16)
  const hash = pbkdf2Sync(password, salt, 100_000, 32, 'sha256')
  return `pbkdf2-sha256$100000$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** Yields INSERT statements of at most `perStatement` rows each. */
function* inserts(table, columns, rows, perStatement = 250) {
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => `(${row.map(q).join(',')})`)
    yield `INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`
  }
}

export function benchDataSet(rentalCount) {
  const listingCount = Math.max(20, Math.floor(rentalCount / 10))
  const ownerCount = Math.max(4, Math.floor(listingCount / 5))
  const renterCount = Math.max(10, Math.floor(rentalCount / 10))
  const created = iso(BASE - 400 * DAY)
  const alice = { id: 'usr_benchalice', email: 'alice@bench.test' }
  const bob = { id: 'usr_benchbob', email: 'bob@bench.test' }
  const hash = passwordHash(BENCH_PASSWORD)

  const users = [alice, bob].map((user) => [
    user.id,
    user.email,
    'Bench user',
    hash,
    'user',
    created,
    created,
  ])
  for (let i = 0; i < ownerCount; i++)
    users.push([id('usr', i), `owner${i}@bench.test`, `Owner ${i}`, null, 'user', created, created])
  for (let i = 0; i < renterCount; i++) {
    users.push([
      id('usr', ownerCount + i),
      `renter${i}@bench.test`,
      `Renter ${i}`,
      null,
      'user',
      created,
      created,
    ])
  }

  const listingOwner = (j) => (j % 20 === 0 ? alice.id : id('usr', j % ownerCount))
  const instruments = []
  const listings = []
  for (let j = 0; j < listingCount; j++) {
    const category = CATEGORIES[j % CATEGORIES.length]
    const at = iso(BASE - 300 * DAY + j * 60_000)
    instruments.push([id('ins', j), `Instrument ${j}`, category, 'Brand', 'Model', listingOwner(j), at, at])
    listings.push([
      id('lst', j),
      id('ins', j),
      listingOwner(j),
      category,
      `Listing ${j}`,
      'Berlin',
      1000 + (j % 50) * 100,
      'usd',
      0,
      1,
      at,
      at,
    ])
  }

  const rentals = []
  const payments = []
  const refunds = []
  for (let k = 0; k < rentalCount; k++) {
    const j = k % listingCount
    const slot = Math.floor(k / listingCount)
    const renter = k % 20 === 1 ? alice.id : id('usr', ownerCount + (k % renterCount))
    const owner = listingOwner(j)
    const start = BASE + slot * 7 * DAY
    const dailyRate = 1000 + (j % 50) * 100
    const amount = dailyRate * 3
    const status = slot % 10 === 9 ? 'cancelled' : slot % 10 === 8 ? 'active' : 'completed'
    const at = iso(BASE - 200 * DAY + k * 1000)
    const cancelled = status === 'cancelled'
    rentals.push([
      id('rnt', k),
      id('lst', j),
      renter,
      owner,
      date(start),
      date(start + 3 * DAY),
      3,
      dailyRate,
      amount,
      'usd',
      0,
      status,
      at,
      cancelled ? 'refunded' : null,
      cancelled ? at : null,
      status === 'completed' ? at : null,
      at,
      at,
    ])
    const fee = Math.round(amount / 10)
    payments.push([
      id('pay', k),
      id('rnt', k),
      renter,
      owner,
      amount,
      'usd',
      cancelled ? 'refunded' : 'completed',
      fee,
      amount - fee,
      cancelled ? amount : 0,
      1,
      `pi_bench${k}`,
      `ch_bench${k}`,
      at,
      at,
      at,
      cancelled ? at : null,
    ])
    if (cancelled)
      refunds.push([
        id('ref', k),
        id('pay', k),
        `re_bench${k}`,
        amount,
        'usd',
        'succeeded',
        'requested_by_customer',
        renter,
        at,
        at,
      ])
  }

  const statements = [
    ...inserts('users', ['id', 'email', 'name', 'password_hash', 'role', 'created_at', 'updated_at'], users),
    ...inserts(
      'instruments',
      ['id', 'name', 'category', 'brand', 'model', 'created_by', 'created_at', 'updated_at'],
      instruments,
    ),
    ...inserts(
      'listings',
      [
        'id',
        'instrument_id',
        'owner_id',
        'category',
        'title',
        'location',
        'daily_rate',
        'currency',
        'deposit_amount',
        'active',
        'created_at',
        'updated_at',
      ],
      listings,
    ),
    ...inserts(
      'rentals',
      [
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
        'cancel_reason',
        'cancelled_at',
        'completed_at',
        'created_at',
        'updated_at',
      ],
      rentals,
    ),
    ...inserts(
      'payments',
      [
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
        'attempt',
        'stripe_payment_intent_id',
        'stripe_charge_id',
        'created_at',
        'updated_at',
        'completed_at',
        'refunded_at',
      ],
      payments,
    ),
    ...inserts(
      'refunds',
      [
        'id',
        'payment_id',
        'stripe_refund_id',
        'amount',
        'currency',
        'status',
        'reason',
        'requested_by',
        'created_at',
        'updated_at',
      ],
      refunds,
    ),
  ]

  // alice's newest rental (she is its renter) with its payment: the target of GET /api/payments/{rental_id}.
  const aliceRental = rentals.findLast((row) => row[2] === alice.id)[0]
  return {
    statements,
    counts: {
      users: users.length,
      listings: listingCount,
      rentals: rentalCount,
      payments: payments.length,
      refunds: refunds.length,
    },
    alice,
    bob,
    aliceRental,
    samplePayment: id('pay', Math.floor(rentalCount / 2)),
    listingIds: listings.filter((row) => row[2] !== bob.id).map((row) => row[0]),
  }
}
