import { env } from 'cloudflare:test'
import { eq, sql } from 'drizzle-orm'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../src/app'
import { payments, paymentStatuses, type PaymentStatus } from '../../../src/adapters/d1/schema'
import { newId } from '../../../src/lib/ids'
import { encodeCursor } from '../../../src/lib/cursor'
import {
  listPaymentsWithStatus,
  paymentsWithStatusQuery,
} from '../../../src/use-cases/payments/read-payments'
import { api, expectProblem, openApiDocument, type ApiResponse } from '../../helpers/api'
import { insertPayments, insertRentals } from '../../helpers/bulk-insert'
import {
  createListing,
  createPaymentFor,
  createRental,
  createUser,
  db,
  type TestUser,
  services,
} from '../../helpers/factories'
import { hostileQuery, responseViolations } from '../../helpers/hostile'
import { metered } from '../../helpers/metered'

// GET /api/admin/payments?status=…: every user's payments in one status, newest first, for admins only.

const PATH = '/api/admin/payments'

interface Item {
  id: string
  owner_id: string
  status: string
  created_at: string
}

/** Newest first, as the API pages: created_at DESC, then id DESC (both compare as text). */
const newestFirst = (a: Item, b: Item) =>
  a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1

async function setCreatedAt(paymentId: string, createdAt: string) {
  await db.update(payments).set({ createdAt }).where(eq(payments.id, paymentId))
}

/** Pages through `query` with `limit`, until `enough` items are seen or the list ends: every page's items. */
async function walk(token: string, query: string, limit: number, enough = Infinity) {
  const pages: Item[][] = []
  let cursor: string | null = null
  do {
    const res: ApiResponse = await api(
      'GET',
      `${PATH}?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      { token },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.data.length).toBeLessThanOrEqual(limit)
    pages.push(res.body.data)
    cursor = res.body.next_cursor
  } while (cursor && pages.flat().length < enough)
  return { items: pages.flat(), pages, ended: cursor === null }
}

describe('GET /api/admin/payments', () => {
  let admin: TestUser
  let owners: TestUser[]
  let renter: TestUser
  /** This file's refund_failed payments, newest first: later than anything else in the database. */
  let failed: Item[]
  let otherStatuses: Item[]

  beforeAll(async () => {
    admin = await createUser({ role: 'admin' })
    owners = [await createUser(), await createUser(), await createUser()]
    renter = await createUser()
    const listings = await Promise.all(owners.map((owner) => createListing(owner)))
    const made: Item[] = []
    // Far in the future, so that this file's payments are the newest of the shared database; the statuses
    // alternate between owners and in time, and two payments share a created_at (id DESC decides).
    const plan: [owner: number, status: PaymentStatus, createdAt: string][] = [
      [0, 'refund_failed', '2199-03-01T10:00:00.000Z'],
      [1, 'completed', '2199-03-01T10:30:00.000Z'],
      [1, 'refund_failed', '2199-03-01T11:00:00.000Z'],
      [2, 'refund_failed', '2199-03-01T12:00:00.000Z'],
      [0, 'refunded', '2199-03-01T12:30:00.000Z'],
      [2, 'refund_failed', '2199-03-01T13:00:00.000Z'],
      [0, 'refund_failed', '2199-03-01T13:00:00.000Z'],
      [1, 'partially_refunded', '2199-03-01T13:30:00.000Z'],
      [1, 'refund_failed', '2199-03-01T14:00:00.000Z'],
      [2, 'disputed', '2199-03-01T15:00:00.000Z'],
    ]
    for (const [owner, status, createdAt] of plan) {
      const rental = await createRental(renter, listings[owner]!, { status: 'cancelled' })
      const payment = await createPaymentFor(rental, status)
      await setCreatedAt(payment.id, createdAt)
      made.push({ id: payment.id, owner_id: owners[owner]!.id, status, created_at: createdAt })
    }
    failed = made.filter((p) => p.status === 'refund_failed').sort(newestFirst)
    otherStatuses = made.filter((p) => p.status !== 'refund_failed')
  })

  describe('happy path', () => {
    it("lists every owner's payments in the status, newest first, paging without duplicates or gaps", async () => {
      const { items, pages } = await walk(admin.token, 'status=refund_failed', 2, failed.length)
      expect(pages.map((page) => page.length)).toEqual([2, 2, 2])
      expect(items.map((p) => p.id)).toEqual(failed.map((p) => p.id))
      expect(new Set(items.map((p) => p.owner_id))).toEqual(new Set(owners.map((o) => o.id)))
      expect(items.every((p) => p.status === 'refund_failed')).toBe(true)
    })

    it('walks the whole status to its end: sorted, no duplicates, as many as D1 holds, no other status', async () => {
      const { items, ended } = await walk(admin.token, 'status=refund_failed', 100)
      expect(ended).toBe(true)
      const ids = items.map((p) => p.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(items).toEqual([...items].sort(newestFirst))
      expect(items.every((p) => p.status === 'refund_failed')).toBe(true)
      const [count] = await db
        .select({ n: sql<number>`count(*)` })
        .from(payments)
        .where(eq(payments.status, 'refund_failed'))
      expect(ids.length).toBe(count!.n)
      for (const other of otherStatuses) expect(ids).not.toContain(other.id)
    })

    it('lists another status on its own, and the last page has no next_cursor', async () => {
      for (const other of otherStatuses) {
        const res = await api('GET', `${PATH}?status=${other.status}&limit=1`, { token: admin.token })
        expect(res.status).toBe(200)
        // Each of these statuses has this file's payment as its newest.
        expect(res.body.data.map((p: Item) => [p.id, p.status])).toEqual([[other.id, other.status]])
      }
      const res = await api('GET', `${PATH}?status=refund_failed&limit=100`, { token: admin.token })
      expect(res.body.next_cursor).toBeNull()
    })

    it('shows each payment exactly as its owner sees it in GET /api/payments', async () => {
      const res = await api('GET', `${PATH}?status=refund_failed&limit=${failed.length}`, {
        token: admin.token,
      })
      for (const owner of owners) {
        const own = await api('GET', '/api/payments?role=owner&status=refund_failed&limit=100', {
          token: owner.token,
        })
        expect(own.status).toBe(200)
        const listed = res.body.data.filter((p: Item) => p.owner_id === owner.id)
        expect(listed.length).toBeGreaterThan(0)
        expect(own.body.data).toEqual(listed)
      }
    })

    it('accepts the page size bounds 1 and 100 and defaults to 20', async () => {
      for (const limit of [1, 100]) {
        const res = await api('GET', `${PATH}?status=refund_failed&limit=${limit}`, { token: admin.token })
        expect(res.status).toBe(200)
        expect(res.body.data[0].id).toBe(failed[0]!.id)
      }
      const res = await api('GET', `${PATH}?status=refund_failed`, { token: admin.token })
      expect(res.status).toBe(200)
      expect(res.body.data.length).toBeLessThanOrEqual(20)
    })

    it('answers an empty last page after the oldest payment', async () => {
      const cursor = encodeCursor('1970-01-01T00:00:00.000Z', 'pay_0')
      const res = await api('GET', `${PATH}?status=refund_failed&cursor=${cursor}`, { token: admin.token })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ data: [], next_cursor: null })
    })
  })

  it('is documented in /openapi.json: admin tag, bearer auth, status required with every payment status', async () => {
    const document = await openApiDocument()
    const operation = document.paths[PATH].get
    expect(operation.tags).toEqual(['admin'])
    expect(operation.security).toEqual([{ bearerAuth: [] }])
    const status = operation.parameters.find((p: { name: string }) => p.name === 'status')
    expect(status).toMatchObject({ in: 'query', required: true })
    expect(status.schema.enum).toEqual([...paymentStatuses])
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']))
  })

  describe('errors', () => {
    const fieldPaths = (body: { errors?: { path: string }[] }) => body.errors?.map((e) => e.path)

    it('requires status: 400 validation_failed naming query.status', async () => {
      for (const query of ['', '?limit=5', '?status=']) {
        const body = expectProblem(
          await api('GET', `${PATH}${query}`, { token: admin.token }),
          400,
          'validation_failed',
        )
        expect(fieldPaths(body), query).toEqual(['query.status'])
      }
    })

    it('refuses a status that is not a payment status', async () => {
      for (const status of ['bogus', 'REFUND_FAILED', 'active', "refund_failed'--"]) {
        const body = expectProblem(
          await api('GET', `${PATH}?status=${encodeURIComponent(status)}`, { token: admin.token }),
          400,
          'validation_failed',
        )
        expect(fieldPaths(body), status).toEqual(['query.status'])
      }
    })

    it('refuses a cursor this API did not make', async () => {
      const cursors = [
        'garbage!',
        btoa('not-a-date|pay_1'),
        btoa('2026-01-01T00:00:00.000Z'),
        'x'.repeat(201),
      ]
      for (const cursor of cursors) {
        const body = expectProblem(
          await api('GET', `${PATH}?status=refund_failed&cursor=${encodeURIComponent(cursor)}`, {
            token: admin.token,
          }),
          400,
          'validation_failed',
        )
        expect(fieldPaths(body), cursor).toEqual(['query.cursor'])
      }
    })

    it('refuses a page size outside 1–100', async () => {
      for (const limit of ['0', '101', '-1', '2.5', 'ten']) {
        const body = expectProblem(
          await api('GET', `${PATH}?status=refund_failed&limit=${limit}`, { token: admin.token }),
          400,
          'validation_failed',
        )
        expect(fieldPaths(body), limit).toEqual(['query.limit'])
      }
    })

    it('answers no 5xx and only documented problems to hostile query strings (as an admin)', async () => {
      const caller = await createUser({ role: 'admin' })
      const withStatus = fc.constantFrom('', 'status=refund_failed', 'status=completed&limit=2')
      await fc.assert(
        fc.asyncProperty(withStatus, hostileQuery(['status', 'limit', 'cursor']), async (fixed, hostile) => {
          const query = [fixed, hostile.slice(1)].filter(Boolean).join('&')
          const res = await api('GET', `${PATH}${query ? `?${query}` : ''}`, { token: caller.token })
          expect(responseViolations(res), `${PATH}?${query.slice(0, 300)}`).toEqual([])
          expect([200, 400]).toContain(res.status)
        }),
        { seed: 20_261_201, numRuns: 60 },
      )
    })
  })

  describe('authorization', () => {
    it('answers 401 without a token, and with a malformed one', async () => {
      expectProblem(await api('GET', `${PATH}?status=refund_failed`), 401, 'unauthorized')
      expectProblem(
        await api('GET', `${PATH}?status=refund_failed`, { headers: { authorization: 'Bearer nope' } }),
        401,
        'invalid_token',
      )
    })

    it('answers 403 forbidden to a user who is not an admin', async () => {
      const user = await createUser()
      expectProblem(await api('GET', `${PATH}?status=refund_failed`, { token: user.token }), 403, 'forbidden')
    })

    it('answers 403 forbidden to the owner and the renter of the listed payments', async () => {
      for (const party of [owners[0]!, renter]) {
        expectProblem(
          await api('GET', `${PATH}?status=refund_failed`, { token: party.token }),
          403,
          'forbidden',
        )
      }
    })

    it('refuses a non-admin in the service itself, whatever the query', async () => {
      const user = { id: owners[0]!.id, email: owners[0]!.email, role: 'user' as const }
      await expect(
        listPaymentsWithStatus(services(), user, { status: 'refund_failed', limit: 20, cursor: 'garbage!' }),
      ).rejects.toMatchObject({ code: 'forbidden', status: 403 })
    })
  })
})

describe('GET /api/admin/payments reads rows in proportion to the page', () => {
  const app = createApp()
  const STATUSES: PaymentStatus[] = ['refund_failed', 'completed', 'refunded', 'partially_refunded']
  let admin: TestUser
  let seeded = 0

  /** `count` cancelled rentals, each with a payment, the statuses taking turns; all older than other tests'. */
  async function grow(count: number) {
    const owner = await createUser()
    const renter = await createUser()
    const listing = await createListing(owner)
    const rentals: (string | number)[][] = []
    const rows: (string | number)[][] = []
    for (let i = 0; i < count; i++) {
      const n = seeded++
      const at = new Date(Date.UTC(2001, 0, 1) + n * 60_000).toISOString()
      const rentalId = newId('rnt')
      rentals.push([
        ...[rentalId, listing.id, renter.id, owner.id, '2001-02-01', '2001-02-03', 2, 2500, 5000, 'usd'],
        ...[0, 'cancelled', at, at, at],
      ])
      const status = STATUSES[n % STATUSES.length]!
      rows.push([newId('pay'), rentalId, renter.id, owner.id, 5000, 'usd', status, 500, 4500, 0, at, at])
    }
    await insertRentals(rentals)
    await insertPayments(rows)
  }

  /** One request through the app on a metered D1 binding. */
  async function rowsRead(path: string) {
    const request = new Request(`https://backline.test${path}`, {
      headers: { authorization: `Bearer ${admin.token}`, 'cf-connecting-ip': '10.9.8.7' },
    })
    const { status, text, rowsRead, calls } = await metered(app, request)
    const body = JSON.parse(text) as { data: Item[]; next_cursor: string | null }
    return { status, body, rowsRead, calls }
  }

  /** The first page of 20 and the page after it, for `status`. */
  async function measure(status: PaymentStatus) {
    const first = await rowsRead(`${PATH}?status=${status}&limit=20`)
    const second = await rowsRead(`${PATH}?status=${status}&limit=20&cursor=${first.body.next_cursor}`)
    return { first, second }
  }

  beforeAll(async () => {
    admin = await createUser({ role: 'admin' })
  })

  it('plans one index range (payments_status_created_idx) in page order: no scan, no sort', async () => {
    const cursor = encodeCursor('2026-01-01T00:00:00.000Z', 'pay_x')
    for (const search of [
      { status: 'refund_failed' as const, limit: 20 },
      { status: 'refund_failed' as const, limit: 20, cursor },
      { status: 'completed' as const, limit: 100, cursor },
    ]) {
      const { sql: text, params } = paymentsWithStatusQuery(db, search).toSQL()
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`)
        .bind(...params)
        .all<{ detail: string }>()
      const steps = plan.results.map((step) => step.detail).join('; ')
      const range = search.cursor ? String.raw` AND \(created_at,id\)<\(\?,\?\)` : ''
      expect(steps, JSON.stringify(search)).toMatch(
        new RegExp(
          String.raw`^SEARCH payments USING INDEX payments_status_created_idx \(status=\?${range}\)$`,
        ),
      )
      expect(steps).not.toMatch(/TEMP B-TREE|SCAN/)
    }
  })

  it('reads about a page of rows, in one D1 call, on a small data set and on one twentyfold', async () => {
    await grow(200)
    const small = await measure('refund_failed')
    await grow(3800)
    const large = await measure('refund_failed')
    const samples = [small.first, small.second, large.first, large.second]
    for (const [i, sample] of samples.entries()) {
      expect(sample.status).toBe(200)
      expect(sample.calls).toBe(1)
      expect(sample.body.data).toHaveLength(20)
      expect(sample.body.data.every((p) => p.status === 'refund_failed')).toBe(true)
      // limit + 1 rows of the index range (the extra one says that another page exists); after a cursor,
      // one more: the seek lands on the cursor's own row, which the row-value comparison then skips.
      expect(sample.rowsRead, `${sample.rowsRead} rows read`).toBeLessThanOrEqual(i % 2 === 0 ? 21 : 22)
    }
    expect(large.first.rowsRead).toBeLessThanOrEqual(Math.ceil(small.first.rowsRead * 1.2))
    expect(large.second.rowsRead).toBeLessThanOrEqual(Math.ceil(small.second.rowsRead * 1.2))
  })
})
