import { beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { issueToken } from '../../src/lib/jwt'
import { insertPayments, insertRentals, insertRows } from '../helpers/bulk-insert'
import { settings } from '../helpers/factories'
import { metered } from '../helpers/metered'

/*
 * D1 bills rows read: every endpoint must read rows in proportion to what it returns, not to the size of
 * its tables (docs/ARCHITECTURE.md, "Reads"). The same requests are made on a small data set and after it has grown
 * twentyfold, through the app with a metered D1 binding, and the rows read must stay within 1.2×.
 */

const app = createApp()
const DAY = 86_400_000
const MAX_RATIO = 1.2

const iso = (ms: number) => new Date(ms).toISOString()
const day = (ms: number) => iso(ms).slice(0, 10)

let serial = 0
const nextId = (prefix: string) => `${prefix}_rr${String(serial++).padStart(8, '0')}`

interface Users {
  alice: { id: string; token: string }
  carol: { id: string; token: string }
  owner: string
  others: string[]
}

async function createUsers(): Promise<Users> {
  const now = iso(Date.now())
  const ids = ['alice', 'carol', 'owner', ...Array.from({ length: 20 }, (_, i) => `other${i}`)].map(
    (name) => ({
      name,
      id: nextId('usr'),
    }),
  )
  await insertRows(
    'users',
    ['id', 'email', 'name', 'role', 'created_at', 'updated_at'],
    ids.map(({ name, id }) => [id, `${name}.${id.toLowerCase()}@rows.test`, name, 'user', now, now]),
  )
  const token = (id: string) => issueToken(settings(), { sub: id, email: `${id}@rows.test`, role: 'user' })
  const [alice, carol, owner, ...others] = ids.map(({ id }) => id)
  return {
    alice: { id: alice!, token: await token(alice!) },
    carol: { id: carol!, token: await token(carol!) },
    owner: owner!,
    others,
  }
}

/** Listings (owned by `owner` and the others) with `rentalsPerListing` paid rentals each, created `ageDays` ago. */
async function grow(
  users: Users,
  listingCount: number,
  rentalsPerListing: number,
  aliceShare: number,
  ageDays: number,
) {
  const base = Date.now() - ageDays * DAY
  const listings: (string | number | null)[][] = []
  const instruments: (string | number | null)[][] = []
  const rentals: (string | number | null)[][] = []
  const payments: (string | number | null)[][] = []
  for (let j = 0; j < listingCount; j++) {
    const owner = j % 4 === 0 ? users.owner : users.others[j % users.others.length]!
    const at = iso(base + j * 1000)
    const [instrumentId, listingId] = [nextId('ins'), nextId('lst')]
    instruments.push([instrumentId, `Instrument ${j}`, 'guitar', owner, at, at])
    listings.push([listingId, instrumentId, owner, 'guitar', `Listing ${j}`, 2000, 'usd', 0, 1, at, at])
    for (let k = 0; k < rentalsPerListing; k++) {
      const n = j * rentalsPerListing + k
      const renter = n % aliceShare === 0 ? users.alice.id : users.others[(j + 1 + k) % users.others.length]!
      const created = iso(base + n * 1000 + 500)
      const start = base - (k + 1) * 7 * DAY
      const rentalId = nextId('rnt')
      rentals.push([
        rentalId,
        listingId,
        renter,
        owner,
        day(start),
        day(start + 2 * DAY),
        2,
        2000,
        4000,
        'usd',
        0,
        'completed',
        created,
        created,
        created,
      ])
      payments.push([
        nextId('pay'),
        rentalId,
        renter,
        owner,
        4000,
        'usd',
        'completed',
        400,
        3600,
        0,
        created,
        created,
        `pi_${rentalId.slice(4)}`,
      ])
    }
  }
  await insertRows(
    'instruments',
    ['id', 'name', 'category', 'created_by', 'created_at', 'updated_at'],
    instruments,
  )
  await insertRows(
    'listings',
    [
      'id',
      'instrument_id',
      'owner_id',
      'category',
      'title',
      'daily_rate',
      'currency',
      'deposit_amount',
      'active',
      'created_at',
      'updated_at',
    ],
    listings,
  )
  await insertRentals(rentals)
  await insertPayments(payments, ['stripe_payment_intent_id'])
  return {
    newestListing: listings.at(-1)![0] as string,
    aliceRental: rentals.findLast((row) => row[2] === users.alice.id)![0] as string,
  }
}

/** One request through the app on a metered D1 binding: the status and the rows D1 read for it. */
async function rowsRead(method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = { 'cf-connecting-ip': '10.9.9.9' }
  if (token) headers.authorization = `Bearer ${token}`
  if (body) headers['content-type'] = 'application/json'
  const request = new Request(`https://backline.test${path}`, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
  })
  const { status, rowsRead, calls } = await metered(app, request)
  return { status, rowsRead, calls }
}

type Sample = Record<string, { status: number; rowsRead: number; calls: number }>

async function measure(
  users: Users,
  target: { aliceRental: string; newestListing: string },
  bookingDay: number,
): Promise<Sample> {
  const start = Date.now() + bookingDay * DAY
  return {
    'GET /api/payments': await rowsRead('GET', '/api/payments?limit=20', users.alice.token),
    'GET /api/payments?role=renter': await rowsRead(
      'GET',
      '/api/payments?limit=20&role=renter',
      users.alice.token,
    ),
    'GET /api/payments/{rental_id}': await rowsRead(
      'GET',
      `/api/payments/${target.aliceRental}`,
      users.alice.token,
    ),
    'GET /api/listings': await rowsRead('GET', '/api/listings?limit=20'),
    'GET /api/rentals': await rowsRead('GET', '/api/rentals?limit=20', users.alice.token),
    'POST /api/rentals': await rowsRead('POST', '/api/rentals', users.carol.token, {
      listing_id: target.newestListing,
      start_date: day(start),
      end_date: day(start + 3 * DAY),
    }),
  }
}

describe('rows read per request do not grow with the tables', () => {
  let small: Sample
  let large: Sample

  beforeAll(async () => {
    const users = await createUsers()
    // Small: 25 listings × 4 rentals (alice rents 1 in 2: 50 payments), more than a page of everything.
    const first = await grow(users, 25, 4, 2, 300)
    small = await measure(users, first, 30)
    // Twentyfold: 475 more listings × 4 rentals, alice still renting 1 in 2 (1,000 payments), all newer.
    const second = await grow(users, 475, 4, 2, 200)
    large = await measure(users, second, 30)
  })

  for (const endpoint of [
    'GET /api/payments',
    'GET /api/payments?role=renter',
    'GET /api/payments/{rental_id}',
    'GET /api/listings',
    'GET /api/rentals',
    'POST /api/rentals',
  ]) {
    it(`${endpoint}: at most ${MAX_RATIO}× the rows on a twentyfold data set`, () => {
      const [before, after] = [small[endpoint]!, large[endpoint]!]
      expect([before.status, after.status]).toEqual(endpoint.startsWith('POST') ? [201, 201] : [200, 200])
      expect(before.rowsRead).toBeGreaterThan(0)
      expect(
        after.rowsRead,
        `${before.rowsRead} rows read before, ${after.rowsRead} after`,
      ).toBeLessThanOrEqual(Math.ceil(before.rowsRead * MAX_RATIO))
    })
  }

  it('a page of 20 payments reads at most 2 × (20 + 1) payment rows, in one D1 round trip', () => {
    expect(large['GET /api/payments']!.rowsRead).toBeLessThanOrEqual(42)
    expect(large['GET /api/payments']!.calls).toBe(1)
  })
})
