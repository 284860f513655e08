import { env } from 'cloudflare:test'
import { asc, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditLog, rentals } from '../../../src/adapters/d1/schema'
import { encodeCursor } from '../../../src/lib/cursor'
import { partyPageQuery, type PartySearch } from '../../../src/adapters/d1/pagination'
import { expireRentalHolds } from '../../../src/use-cases/rentals/expire-holds'
import { rentalList } from '../../../src/use-cases/rentals/read-rentals'
import { api, expectProblem } from '../../helpers/api'
import {
  createListing,
  createPaymentFor,
  createRental,
  createUser,
  dateFromToday,
  db,
  services,
  settings,
  type TestUser,
} from '../../helpers/factories'

const book = (user: TestUser, listingId: string, start: number, end: number) =>
  api('POST', '/api/rentals', {
    token: user.token,
    body: { listing_id: listingId, start_date: dateFromToday(start), end_date: dateFromToday(end) },
  })

const auditOf = (entityId: string) =>
  db.select().from(auditLog).where(eq(auditLog.entityId, entityId)).orderBy(asc(auditLog.createdAt))

const expireHold = (rentalId: string) =>
  db
    .update(rentals)
    .set({ holdExpiresAt: new Date(Date.now() - 60_000).toISOString() })
    .where(eq(rentals.id, rentalId))

async function setting() {
  const owner = await createUser()
  const renter = await createUser()
  return { owner, renter, listing: await createListing(owner, { dailyRate: 2500, depositAmount: 10_000 }) }
}

describe('POST /api/rentals', () => {
  it('books the dates, computing the amount on the server and holding them for a while', async () => {
    const { owner, renter, listing } = await setting()
    const before = Date.now()
    const res = await book(renter, listing.id, 3, 6)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      listing_id: listing.id,
      renter_id: renter.id,
      owner_id: owner.id,
      start_date: dateFromToday(3),
      end_date: dateFromToday(6),
      days: 3,
      daily_rate: 2500,
      amount: 7500,
      currency: 'usd',
      deposit_amount: 10_000,
      status: 'pending',
      cancel_reason: null,
      cancelled_at: null,
      completed_at: null,
    })
    expect(res.body.id).toMatch(/^rnt_/)
    const holdMs = Date.parse(res.body.hold_expires_at) - before
    expect(holdMs).toBeGreaterThanOrEqual(30 * 60_000)
    expect(holdMs).toBeLessThan(31 * 60_000)
    const audit = await auditOf(res.body.id)
    expect(audit).toMatchObject([
      { fromStatus: null, toStatus: 'pending', actorId: renter.id, source: 'api' },
    ])
  })

  it('takes today (UTC) as a start date and charges zero-decimal currencies in their own units', async () => {
    const owner = await createUser()
    const listing = await createListing(owner, { dailyRate: 3000, currency: 'jpy' })
    const res = await book(await createUser(), listing.id, 0, 1)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ days: 1, amount: 3000, currency: 'jpy' })
  })

  it('names every malformed field', async () => {
    const { renter } = await setting()
    const res = await api('POST', '/api/rentals', {
      token: renter.token,
      body: { listing_id: 'ins_wrongkind', start_date: '2030-02-30', end_date: 20300301 },
    })
    const problem = expectProblem(res, 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      'body.end_date',
      'body.listing_id',
      'body.start_date',
    ])
  })

  it('refuses impossible date ranges, naming the field', async () => {
    const { renter, listing } = await setting()
    const cases: [number, number, string][] = [
      [-1, 2, 'body.start_date'],
      [5, 5, 'body.end_date'],
      [5, 4, 'body.end_date'],
      [1, 92, 'body.end_date'],
    ]
    for (const [start, end, path] of cases) {
      const problem = expectProblem(await book(renter, listing.id, start, end), 400, 'invalid_date_range')
      expect(problem.errors?.map((e) => e.path)).toEqual([path])
    }
    expect((await book(renter, listing.id, 1, 91)).status).toBe(201)
  })

  it('refuses the owner, an inactive listing and an unknown one', async () => {
    const { owner, renter, listing } = await setting()
    expectProblem(await book(owner, listing.id, 1, 2), 403, 'own_listing')
    const inactive = await createListing(owner, { active: false })
    expectProblem(await book(renter, inactive.id, 1, 2), 409, 'listing_inactive')
    expectProblem(await book(renter, 'lst_unknown', 1, 2), 404, 'listing_not_found')
  })

  it('requires a token', async () => {
    const { listing } = await setting()
    const res = await api('POST', '/api/rentals', {
      body: { listing_id: listing.id, start_date: dateFromToday(1), end_date: dateFromToday(2) },
    })
    expectProblem(res, 401, 'unauthorized')
  })

  it('lets the database settle 20 concurrent overlapping bookings: exactly one wins', async () => {
    const { owner, listing } = await setting()
    const renters = await Promise.all(Array.from({ length: 20 }, () => createUser()))
    const results = await Promise.all(
      renters.map((renter, i) => book(renter, listing.id, 10 + (i % 3), 14 + (i % 4))),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409, 'listing_unavailable')
    const held = await db.select().from(rentals).where(eq(rentals.listingId, listing.id))
    expect(held).toHaveLength(1)
    expect(owner.id).toBe(held[0]!.ownerId)
  })

  it('books adjacent ranges (the return day is the next start day)', async () => {
    const { renter, listing } = await setting()
    expect((await book(renter, listing.id, 20, 23)).status).toBe(201)
    expect((await book(await createUser(), listing.id, 23, 25)).status).toBe(201)
    expect((await book(await createUser(), listing.id, 18, 20)).status).toBe(201)
    expectProblem(await book(await createUser(), listing.id, 22, 24), 409, 'listing_unavailable')
  })

  it('frees the dates of an expired unpaid hold, cancelling it with an audit row', async () => {
    const { renter, listing } = await setting()
    const first = await book(renter, listing.id, 5, 8)
    await expireHold(first.body.id)
    const second = await book(await createUser(), listing.id, 6, 9)
    expect(second.status).toBe(201)
    const [expired] = await db.select().from(rentals).where(eq(rentals.id, first.body.id))
    expect(expired).toMatchObject({ status: 'cancelled', cancelReason: 'hold_expired' })
    expect(expired!.cancelledAt).not.toBeNull()
    const audit = await auditOf(first.body.id)
    expect(audit.map((row) => row.toStatus)).toEqual(['pending', 'cancelled'])
    expect(audit[1]).toMatchObject({ fromStatus: 'pending', detail: 'hold_expired' })
  })

  it('keeps the dates of an expired hold whose payment is under way or done', async () => {
    for (const status of ['processing', 'completed'] as const) {
      const { renter, listing } = await setting()
      const first = await book(renter, listing.id, 5, 8)
      await expireHold(first.body.id)
      const [rental] = await db.select().from(rentals).where(eq(rentals.id, first.body.id))
      await createPaymentFor(rental!, status)
      expectProblem(await book(await createUser(), listing.id, 6, 9), 409, 'listing_unavailable')
      const [kept] = await db.select().from(rentals).where(eq(rentals.id, first.body.id))
      expect(kept!.status).toBe('pending')
    }
  })
})

describe('expireRentalHolds', () => {
  it('cancels pending rentals whose hold expired unpaid and returns their ids', async () => {
    const { renter, listing } = await setting()
    const past = new Date(Date.now() - 60_000).toISOString()
    const expired = await createRental(renter, listing, { holdExpiresAt: past, ...range(30, 31) })
    const paid = await createRental(renter, listing, { holdExpiresAt: past, ...range(31, 32) })
    await createPaymentFor(paid, 'processing')
    const onHold = await createRental(renter, listing, range(32, 33))
    const active = await createRental(renter, listing, {
      holdExpiresAt: past,
      status: 'active',
      ...range(33, 34),
    })
    const ids = await expireRentalHolds(services())
    expect(ids).toContain(expired.id)
    expect(ids).not.toContain(paid.id)
    expect(ids).not.toContain(onHold.id)
    expect(ids).not.toContain(active.id)
    const [after] = await db.select().from(rentals).where(eq(rentals.id, expired.id))
    expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'hold_expired' })
    expect(await auditOf(expired.id)).toMatchObject([{ toStatus: 'cancelled', source: 'reconciler' }])
    expect(await expireRentalHolds(services())).not.toContain(expired.id)
  })
})

const range = (start: number, end: number) => ({
  startDate: dateFromToday(start),
  endDate: dateFromToday(end),
})

async function listIds(user: TestUser, query = ''): Promise<string[]> {
  const res = await api('GET', `/api/rentals${query}`, { token: user.token })
  expect(res.status).toBe(200)
  return res.body.data.map((rental: { id: string }) => rental.id)
}

describe('GET /api/rentals', () => {
  it('lists my rentals as renter and as owner, newest first, filtered by role and status', async () => {
    const me = await createUser()
    const other = await createUser()
    const mine = await createListing(me)
    const theirs = await createListing(other)
    const rented = await createRental(me, theirs, range(1, 2))
    const lent = await createRental(other, mine, { ...range(1, 2), status: 'active' })
    await createRental(other, theirs, range(5, 6))
    expect(await listIds(me)).toEqual([lent.id, rented.id])
    expect(await listIds(me, '?role=renter')).toEqual([rented.id])
    expect(await listIds(me, '?role=owner')).toEqual([lent.id])
    expect(await listIds(me, '?status=active')).toEqual([lent.id])
    expect(await listIds(me, '?role=renter&status=active')).toEqual([])
  })

  it('walks every rental of both roles exactly once with the cursor', async () => {
    const me = await createUser()
    const other = await createUser()
    const mine = await createListing(me)
    const theirs = await createListing(other)
    const created: string[] = []
    for (let i = 0; i < 7; i++) {
      const rental =
        i % 2
          ? await createRental(me, theirs, range(i, i + 1))
          : await createRental(other, mine, range(i, i + 1))
      created.push(rental.id)
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: { body: { data: { id: string }[]; next_cursor: string | null } } = await api(
        'GET',
        `/api/rentals?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: me.token },
      )
      expect(res.body.data.length).toBeLessThanOrEqual(2)
      seen.push(...res.body.data.map((rental) => rental.id))
      cursor = res.body.next_cursor
    } while (cursor)
    expect(seen).toEqual([...created].reverse())
  })

  it('names invalid query parameters', async () => {
    const me = await createUser()
    const res = await api('GET', '/api/rentals?limit=101&role=admin&status=lost', { token: me.token })
    const problem = expectProblem(res, 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['query.limit', 'query.role', 'query.status'])
  })

  it('requires a token', async () => {
    expectProblem(await api('GET', '/api/rentals'), 401, 'unauthorized')
  })

  it('reads each party through an index, with no sort step and no table scan', async () => {
    const cursor = encodeCursor('2026-01-01T00:00:00.000Z', 'rnt_x')
    const explain = async (search: PartySearch) => {
      const { sql, params } = partyPageQuery(rentalList, 'usr_x', search)
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>()
      return plan.results.map((step) => step.detail)
    }
    for (const extra of [{}, { status: 'active', cursor }]) {
      for (const role of ['renter', 'owner', undefined] as const) {
        const steps = await explain({ limit: 20, role, ...extra })
        const searches = steps.filter((step) => step.startsWith('SEARCH rentals'))
        const parties = role ? [role] : ['renter', 'owner']
        expect(searches).toHaveLength(parties.length)
        parties.forEach((party, i) =>
          expect(searches[i]).toMatch(new RegExp(`^SEARCH rentals USING INDEX rentals_${party}_\\w+ \\(`)),
        )
        expect(steps.join('; ')).not.toMatch(/TEMP B-TREE|SCAN rentals/)
      }
    }
  })

  it('lists each rental exactly as GET /api/rentals/{id} shows it', async () => {
    const { owner, renter, listing } = await setting()
    const rental = await createRental(renter, listing)
    // Every nullable field non-null and distinct, with text that JSON must escape.
    await env.DB.prepare(
      `UPDATE rentals SET cancel_reason = ?, cancelled_at = ?, completed_at = ?, updated_at = ?,
         hold_expires_at = ? WHERE id = ?`,
    )
      .bind(
        'Owner said "sorry", back\\slash, newline\n, \u0002, ünïcødé 🥁',
        '2030-01-01T00:00:01.000Z',
        '2030-01-01T00:00:02.000Z',
        '2030-01-01T00:00:03.000Z',
        '2030-01-01T00:00:04.000Z',
        rental.id,
      )
      .run()
    for (const user of [renter, owner]) {
      const one = await api('GET', `/api/rentals/${rental.id}`, { token: user.token })
      const page = await api('GET', '/api/rentals', { token: user.token })
      expect(page.headers.get('content-type')).toBe('application/json')
      expect(page.body.data).toEqual([one.body])
      expect(Object.keys(page.body.data[0])).toEqual(Object.keys(one.body))
    }
  })
})

describe('GET /api/rentals/{id}', () => {
  it('shows a rental to its renter, its owner and admins', async () => {
    const { owner, renter, listing } = await setting()
    const rental = await createRental(renter, listing)
    const admin = await createUser({ role: 'admin' })
    for (const user of [renter, owner, admin]) {
      const res = await api('GET', `/api/rentals/${rental.id}`, { token: user.token })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ id: rental.id, amount: rental.amount })
    }
  })

  it('hides it from anyone else', async () => {
    const { renter, listing } = await setting()
    const rental = await createRental(renter, listing)
    const stranger = await createUser()
    expectProblem(
      await api('GET', `/api/rentals/${rental.id}`, { token: stranger.token }),
      404,
      'rental_not_found',
    )
    expectProblem(
      await api('GET', '/api/rentals/rnt_unknown', { token: stranger.token }),
      404,
      'rental_not_found',
    )
    expectProblem(await api('GET', `/api/rentals/${rental.id}`), 401, 'unauthorized')
  })
})

describe('POST /api/rentals/{id}/cancel', () => {
  it('lets the renter or the owner cancel a pending rental, which frees its dates', async () => {
    const { owner, renter, listing } = await setting()
    for (const [user, reason] of [
      [renter, 'cancelled_by_renter'],
      [owner, 'cancelled_by_owner'],
    ] as const) {
      const booked = await book(renter, listing.id, 40, 42)
      const res = await api('POST', `/api/rentals/${booked.body.id}/cancel`, { token: user.token })
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({ status: 'cancelled', cancel_reason: reason })
      expect(res.body.cancelled_at).not.toBeNull()
      const audit = await auditOf(booked.body.id)
      expect(audit.at(-1)).toMatchObject({
        fromStatus: 'pending',
        toStatus: 'cancelled',
        actorId: user.id,
        detail: reason,
      })
    }
  })

  it('refuses a rental that is not pending, or whose payment is under way', async () => {
    const { renter, listing } = await setting()
    const active = await createRental(renter, listing, { ...range(1, 2), status: 'active' })
    const res = await api('POST', `/api/rentals/${active.id}/cancel`, { token: renter.token })
    expectProblem(res, 409, 'rental_not_cancellable')
    for (const status of ['processing', 'completed'] as const) {
      const pending = await createRental(renter, listing, range(3, 4))
      await createPaymentFor(pending, status)
      expectProblem(
        await api('POST', `/api/rentals/${pending.id}/cancel`, { token: renter.token }),
        409,
        'rental_not_cancellable',
      )
      expect(await auditOf(pending.id)).toEqual([])
    }
  })

  it('cancels once when renter and owner race, with one audit row', async () => {
    const { owner, renter, listing } = await setting()
    const rental = await createRental(renter, listing, range(50, 52))
    const results = await Promise.all(
      [renter, owner, renter, owner].map((user) =>
        api('POST', `/api/rentals/${rental.id}/cancel`, { token: user.token }),
      ),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    for (const r of results.filter((r) => r.status !== 200)) expectProblem(r, 409, 'rental_not_cancellable')
    expect(await auditOf(rental.id)).toHaveLength(1)
  })

  it('does not let an admin cancel a rental they are no party to', async () => {
    const { renter, listing } = await setting()
    const rental = await createRental(renter, listing)
    const admin = await createUser({ role: 'admin' })
    expectProblem(
      await api('POST', `/api/rentals/${rental.id}/cancel`, { token: admin.token }),
      403,
      'forbidden',
    )
  })

  it('hides the rental from strangers and requires a token', async () => {
    const { renter, listing } = await setting()
    const rental = await createRental(renter, listing)
    const stranger = await createUser()
    expectProblem(
      await api('POST', `/api/rentals/${rental.id}/cancel`, { token: stranger.token }),
      404,
      'rental_not_found',
    )
    expectProblem(await api('POST', `/api/rentals/${rental.id}/cancel`), 401, 'unauthorized')
  })
})

describe('POST /api/rentals/{id}/complete', () => {
  it('lets the owner mark an active rental as returned', async () => {
    const { owner, renter, listing } = await setting()
    const rental = await createRental(renter, listing, { status: 'active', ...range(0, 2) })
    const res = await api('POST', `/api/rentals/${rental.id}/complete`, { token: owner.token })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('completed')
    expect(res.body.completed_at).not.toBeNull()
    expect(await auditOf(rental.id)).toMatchObject([
      { fromStatus: 'active', toStatus: 'completed', actorId: owner.id },
    ])
    const again = await api('POST', `/api/rentals/${rental.id}/complete`, { token: owner.token })
    expectProblem(again, 409, 'rental_not_completable')
  })

  it('refuses to complete a rental before its start date (409 rental_not_started): its dates stay booked', async () => {
    const { owner, renter, listing } = await setting()
    const rental = await createRental(renter, listing, { status: 'active', ...range(5, 8) })
    const res = await api('POST', `/api/rentals/${rental.id}/complete`, { token: owner.token })
    expectProblem(res, 409, 'rental_not_started')
    expect(await auditOf(rental.id)).toEqual([])
    const availability = await api(
      'GET',
      `/api/listings/${listing.id}/availability?from=${dateFromToday(5)}&to=${dateFromToday(8)}`,
    )
    expect(availability.body.available).toBe(false)
    expectProblem(await book(await createUser(), listing.id, 6, 7), 409, 'listing_unavailable')
  })

  it("keeps a completed rental's dates: an early return frees nothing for a second booking", async () => {
    const { owner, renter, listing } = await setting()
    const rental = await createRental(renter, listing, { status: 'active', ...range(0, 4) })
    expect((await api('POST', `/api/rentals/${rental.id}/complete`, { token: owner.token })).status).toBe(200)
    const availability = await api(
      'GET',
      `/api/listings/${listing.id}/availability?from=${dateFromToday(0)}&to=${dateFromToday(4)}`,
    )
    expect(availability.body).toMatchObject({
      available: false,
      booked: [{ start_date: dateFromToday(0), end_date: dateFromToday(4) }],
    })
    expectProblem(await book(await createUser(), listing.id, 2, 3), 409, 'listing_unavailable')
  })

  it('refuses the renter, and a rental that is not active', async () => {
    const { owner, renter, listing } = await setting()
    const active = await createRental(renter, listing, { status: 'active', ...range(0, 1) })
    expectProblem(
      await api('POST', `/api/rentals/${active.id}/complete`, { token: renter.token }),
      403,
      'not_owner',
    )
    const pending = await createRental(renter, listing, range(20, 21))
    const res = await api('POST', `/api/rentals/${pending.id}/complete`, { token: owner.token })
    expectProblem(res, 409, 'rental_not_completable')
    expect(await auditOf(pending.id)).toEqual([])
  })

  it('hides the rental from strangers and requires a token', async () => {
    const { renter, listing } = await setting()
    const rental = await createRental(renter, listing, { status: 'active' })
    const stranger = await createUser()
    const res = await api('POST', `/api/rentals/${rental.id}/complete`, { token: stranger.token })
    expectProblem(res, 404, 'rental_not_found')
    const admin = await createUser({ role: 'admin' })
    expectProblem(
      await api('POST', `/api/rentals/${rental.id}/complete`, { token: admin.token }),
      403,
      'not_owner',
    )
    expectProblem(await api('POST', `/api/rentals/${rental.id}/complete`), 401, 'unauthorized')
  })
})

describe('POST /api/rentals — open unpaid holds', () => {
  const limit = () => settings().MAX_OPEN_HOLDS_PER_RENTER

  it('lets a renter hold one unpaid rental per listing (409 rental_hold_exists)', async () => {
    const { renter, listing } = await setting()
    expect((await book(renter, listing.id, 3, 4)).status).toBe(201)
    expectProblem(await book(renter, listing.id, 10, 12), 409, 'rental_hold_exists')
    // Another renter is not concerned, nor the same renter once the hold is released.
    expect((await book(await createUser(), listing.id, 10, 12)).status).toBe(201)
  })

  it(`refuses more than MAX_OPEN_HOLDS_PER_RENTER unpaid holds (409 rental_hold_limit)`, async () => {
    const renter = await createUser()
    const owner = await createUser()
    const held = []
    for (let i = 0; i < limit(); i++) {
      const res = await book(renter, (await createListing(owner)).id, 3, 4)
      expect(res.status).toBe(201)
      held.push(res.body.id as string)
    }
    const another = (await createListing(owner)).id
    expectProblem(await book(renter, another, 3, 4), 409, 'rental_hold_limit')
    // A cancelled, an expired and a paid hold no longer count.
    await api('POST', `/api/rentals/${held[0]}/cancel`, { token: renter.token })
    expect((await book(renter, another, 3, 4)).status).toBe(201)
    expectProblem(await book(renter, (await createListing(owner)).id, 3, 4), 409, 'rental_hold_limit')
    await expireHold(held[1]!)
    const [paid] = await db.select().from(rentals).where(eq(rentals.id, held[2]!))
    await createPaymentFor(paid!, 'completed')
    expect((await book(renter, (await createListing(owner)).id, 3, 4)).status).toBe(201)
    expect((await book(renter, (await createListing(owner)).id, 3, 4)).status).toBe(201)
    expectProblem(await book(renter, (await createListing(owner)).id, 3, 4), 409, 'rental_hold_limit')
  })

  it('holds under concurrency: of many simultaneous bookings, exactly the limit succeed', async () => {
    const renter = await createUser()
    const owner = await createUser()
    const listings = await Promise.all(Array.from({ length: limit() + 4 }, () => createListing(owner)))
    const results = await Promise.all(listings.map((listing) => book(renter, listing.id, 3, 4)))
    expect(results.filter((res) => res.status === 201)).toHaveLength(limit())
    for (const res of results.filter((res) => res.status !== 201))
      expectProblem(res, 409, 'rental_hold_limit')
  })
})

describe('POST /api/rentals — amount bounds', () => {
  it('refuses a rental whose amount exceeds what one card payment can be', async () => {
    const owner = await createUser()
    const renter = await createUser()
    const listing = await createListing(owner, { dailyRate: 50_000_000 })
    const res = await api('POST', '/api/rentals', {
      token: renter.token,
      body: { listing_id: listing.id, start_date: dateFromToday(1), end_date: dateFromToday(3) },
    })
    expectProblem(res, 422, 'amount_too_large')
  })
})
