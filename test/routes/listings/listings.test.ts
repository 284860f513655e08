import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { encodeCursor } from '../../../src/lib/cursor'
import { listingSearchQuery, type ListingSearch } from '../../../src/use-cases/listings/listings'
import { api, expectProblem, type ApiResponse } from '../../helpers/api'
import {
  createListing,
  createPaymentFor,
  createRental,
  createUser,
  dateFromToday,
  db,
} from '../../helpers/factories'
import { useSettings } from '../../helpers/stripe-emulator'

// Owners here have no payout account and the tests are not about payouts (test/routes/payouts/ is).
useSettings({ OWNER_PAYOUTS: 'off' })

async function createInstrument(token: string, category = 'bass') {
  const res = await api('POST', '/api/instruments', { token, body: { name: 'Fender Precision', category } })
  return res.body.id as string
}

describe('POST /api/listings', () => {
  it('makes the caller the owner and copies the category from the instrument', async () => {
    const owner = await createUser()
    const instrumentId = await createInstrument(owner.token)
    const body = { instrument_id: instrumentId, title: 'P-Bass', daily_rate: 1800, currency: 'eur' }
    const res = await api('POST', '/api/listings', { token: owner.token, body })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      ...body,
      owner_id: owner.id,
      category: 'bass',
      deposit_amount: 0,
      active: true,
    })
    expect(res.body.id).toMatch(/^lst_/)
  })

  it('accepts zero-decimal currencies in their own minor units', async () => {
    const owner = await createUser()
    const body = {
      instrument_id: await createInstrument(owner.token),
      title: 'Yamaha',
      daily_rate: 3000,
      currency: 'jpy',
    }
    const res = await api('POST', '/api/listings', {
      token: owner.token,
      body: { ...body, deposit_amount: 10000 },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ daily_rate: 3000, currency: 'jpy', deposit_amount: 10000 })
  })

  it('takes a daily rate up to the most one card payment can be, and no more', async () => {
    const owner = await createUser()
    const body = { instrument_id: await createInstrument(owner.token), title: 'Steinway D', currency: 'usd' }
    const most = await api('POST', '/api/listings', {
      token: owner.token,
      body: { ...body, daily_rate: 99_999_999 },
    })
    expect(most.status).toBe(201)
    const over = await api('POST', '/api/listings', {
      token: owner.token,
      body: { ...body, daily_rate: 100_000_000 },
    })
    expect(expectProblem(over, 400, 'validation_failed').errors?.map((e) => e.path)).toEqual([
      'body.daily_rate',
    ])
  })

  it('names every invalid field', async () => {
    const owner = await createUser()
    const res = await api('POST', '/api/listings', {
      token: owner.token,
      body: { instrument_id: 'nope', daily_rate: 0, currency: 'USD', deposit_amount: 1.5 },
    })
    const problem = expectProblem(res, 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      'body.currency',
      'body.daily_rate',
      'body.deposit_amount',
      'body.instrument_id',
      'body.title',
    ])
  })

  it('refuses a currency it does not support', async () => {
    const owner = await createUser()
    const body = {
      instrument_id: await createInstrument(owner.token),
      title: 'T',
      daily_rate: 100,
      currency: 'xyz',
    }
    const problem = expectProblem(
      await api('POST', '/api/listings', { token: owner.token, body }),
      400,
      'validation_failed',
    )
    expect(problem.errors?.map((e) => e.path)).toEqual(['body.currency'])
  })

  it('answers 404 for an unknown instrument', async () => {
    const owner = await createUser()
    const body = { instrument_id: 'ins_unknown', title: 'T', daily_rate: 100, currency: 'usd' }
    expectProblem(
      await api('POST', '/api/listings', { token: owner.token, body }),
      404,
      'instrument_not_found',
    )
  })

  it('requires a token', async () => {
    const body = { instrument_id: 'ins_x', title: 'T', daily_rate: 100, currency: 'usd' }
    expectProblem(await api('POST', '/api/listings', { body }), 401, 'unauthorized')
  })
})

describe('GET /api/listings/{id}', () => {
  it('is public', async () => {
    const listing = await createListing(await createUser())
    const res = await api('GET', `/api/listings/${listing.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id: listing.id,
      owner_id: listing.ownerId,
      daily_rate: 2500,
      active: true,
    })
  })

  it('answers 404 for an unknown id', async () => {
    expectProblem(await api('GET', '/api/listings/lst_unknown'), 404, 'listing_not_found')
  })
})

describe('POST /api/listings/{id}/deactivate and /activate', () => {
  it('lets the owner withdraw a listing from search and offer it again', async () => {
    const owner = await createUser()
    const listing = await createListing(owner)
    const off = await api('POST', `/api/listings/${listing.id}/deactivate`, { token: owner.token })
    expect(off.status).toBe(200)
    expect(off.body.active).toBe(false)
    const activeIds = await searchIds(`owner_id=${owner.id}`)
    expect(activeIds).toEqual([])
    expect(await searchIds(`owner_id=${owner.id}&active=false`)).toEqual([listing.id])
    const on = await api('POST', `/api/listings/${listing.id}/activate`, { token: owner.token })
    expect(on.body.active).toBe(true)
    expect(await searchIds(`owner_id=${owner.id}`)).toEqual([listing.id])
  })

  it('refuses anyone but the owner', async () => {
    const listing = await createListing(await createUser())
    const stranger = await createUser()
    const res = await api('POST', `/api/listings/${listing.id}/deactivate`, { token: stranger.token })
    expectProblem(res, 403, 'not_owner')
    expect((await api('GET', `/api/listings/${listing.id}`)).body.active).toBe(true)
  })

  it('requires a token and an existing listing', async () => {
    const owner = await createUser()
    const listing = await createListing(owner)
    expectProblem(await api('POST', `/api/listings/${listing.id}/activate`), 401, 'unauthorized')
    const res = await api('POST', '/api/listings/lst_unknown/activate', { token: owner.token })
    expectProblem(res, 404, 'listing_not_found')
  })
})

async function searchIds(query: string): Promise<string[]> {
  const res = await api('GET', `/api/listings?${query}`)
  expect(res.status).toBe(200)
  return res.body.data.map((listing: { id: string }) => listing.id)
}

describe('GET /api/listings', () => {
  it('filters by category, currency, rate and owner, newest first', async () => {
    const owner = await createUser()
    const cheap = await createListing(owner, { category: 'drums', currency: 'gbp', dailyRate: 1000 })
    const dear = await createListing(owner, { category: 'drums', currency: 'gbp', dailyRate: 5000 })
    const euro = await createListing(owner, { category: 'drums', currency: 'eur', dailyRate: 3000 })
    const keys = await createListing(owner, { category: 'keyboard', currency: 'gbp', dailyRate: 3000 })
    expect(await searchIds(`owner_id=${owner.id}`)).toEqual([keys.id, euro.id, dear.id, cheap.id])
    expect(await searchIds(`owner_id=${owner.id}&category=drums`)).toEqual([euro.id, dear.id, cheap.id])
    expect(await searchIds(`owner_id=${owner.id}&currency=gbp&min_rate=2000`)).toEqual([keys.id, dear.id])
    expect(await searchIds(`owner_id=${owner.id}&currency=gbp&max_rate=3000&category=drums`)).toEqual([
      cheap.id,
    ])
    expect(await searchIds('category=drums&currency=eur')).toContain(euro.id)
    expect(await searchIds('category=drums&currency=eur')).not.toContain(cheap.id)
  })

  it('is public and answers a page with a cursor', async () => {
    await createListing(await createUser())
    const res = await api('GET', '/api/listings?limit=1')
    expect(res.status).toBe(200)
    expect(res.body.data).toHaveLength(1)
    expect(typeof res.body.next_cursor).toBe('string')
  })

  it('walks every listing exactly once with the cursor', async () => {
    const owner = await createUser()
    const created = []
    for (let i = 0; i < 7; i++) created.push((await createListing(owner, { category: 'amplifier' })).id)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res: { body: { data: { id: string }[]; next_cursor: string | null } } = await api(
        'GET',
        `/api/listings?owner_id=${owner.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      )
      seen.push(...res.body.data.map((listing) => listing.id))
      cursor = res.body.next_cursor
    } while (cursor)
    expect(seen).toEqual([...created].reverse())
  })

  it('names invalid query parameters', async () => {
    let problem = expectProblem(await api('GET', '/api/listings?limit=101'), 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path)).toEqual(['query.limit'])
    problem = expectProblem(await api('GET', '/api/listings?min_rate=100'), 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path)).toEqual(['query.currency'])
    problem = expectProblem(
      await api('GET', '/api/listings?currency=usd&min_rate=500&max_rate=100'),
      400,
      'validation_failed',
    )
    expect(problem.errors?.map((e) => e.path)).toEqual(['query.max_rate'])
    problem = expectProblem(
      await api('GET', '/api/listings?category=flute&active=maybe'),
      400,
      'validation_failed',
    )
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['query.active', 'query.category'])
    problem = expectProblem(await api('GET', '/api/listings?cursor=garbage!'), 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path)).toEqual(['query.cursor'])
  })

  it('reads every filter combination through an index, with no sort step', async () => {
    const filters: Partial<ListingSearch>[] = [
      {},
      { category: 'guitar' },
      { currency: 'usd' },
      { category: 'guitar', currency: 'usd', min_rate: 1, max_rate: 9 },
      { owner_id: 'usr_x' },
      { owner_id: 'usr_x', category: 'guitar', currency: 'usd' },
      { active: false, currency: 'usd', min_rate: 1 },
    ]
    const newest = encodeCursor('2026-01-01T00:00:00.000Z', 'lst_x')
    const cheapest = btoa('rate|500|lst_x')
    const byRate = (f: Partial<ListingSearch>) => f.min_rate !== undefined || f.max_rate !== undefined
    for (const filter of filters.flatMap((f) => [f, { ...f, cursor: byRate(f) ? cheapest : newest }])) {
      const query = listingSearchQuery(db, { active: true, limit: 20, ...filter })
      const { sql, params } = query.toSQL()
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>()
      const steps = plan.results.map((step) => step.detail).join('; ')
      expect(steps, JSON.stringify(filter)).toMatch(/^SEARCH listings USING INDEX listings_\w+ \(/)
      expect(steps, JSON.stringify(filter)).not.toMatch(/TEMP B-TREE|SCAN/)
      // A rate bound is an index range (daily_rate in the index), not a filter on every row of the currency.
      if (byRate(filter) && !filter.owner_id) expect(steps, JSON.stringify(filter)).toMatch(/daily_rate[<>]/)
    }
  })

  it('lists a rate range cheapest first and pages through it with its own cursor', async () => {
    const owner = await createUser()
    for (const rate of [900, 100, 500, 300, 700])
      await createListing(owner, { dailyRate: rate, currency: 'sek' })
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const res: ApiResponse = await api(
        'GET',
        `/api/listings?currency=sek&min_rate=200&max_rate=800&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(res.status).toBe(200)
      seen.push(...res.body.data.map((listing: { daily_rate: number }) => listing.daily_rate))
      cursor = res.body.next_cursor
    } while (cursor)
    expect(seen).toEqual([300, 500, 700])
    const newestCursor = encodeCursor('2026-01-01T00:00:00.000Z', 'lst_x')
    expectProblem(
      await api('GET', `/api/listings?currency=sek&min_rate=1&cursor=${newestCursor}`),
      400,
      'validation_failed',
    )
  })
})

describe('GET /api/listings/{id}/availability', () => {
  it('lists the ranges held by active, on-hold and paid-for pending rentals, clipped to the window', async () => {
    const owner = await createUser()
    const renter = await createUser()
    const listing = await createListing(owner)
    const past = new Date(Date.now() - 60_000).toISOString()
    const at = (start: number, end: number) => ({
      startDate: dateFromToday(start),
      endDate: dateFromToday(end),
    })
    await createRental(renter, listing, { ...at(8, 12), status: 'active' })
    await createRental(renter, listing, { ...at(14, 16) })
    await createRental(renter, listing, { ...at(16, 18), holdExpiresAt: past })
    const paid = await createRental(renter, listing, { ...at(20, 22), holdExpiresAt: past })
    await createPaymentFor(paid, 'processing')
    await createRental(renter, listing, { ...at(22, 24), status: 'cancelled' })
    const res = await api(
      'GET',
      `/api/listings/${listing.id}/availability?from=${dateFromToday(10)}&to=${dateFromToday(21)}`,
    )
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      listing_id: listing.id,
      from: dateFromToday(10),
      to: dateFromToday(21),
      available: false,
      booked: [
        { start_date: dateFromToday(10), end_date: dateFromToday(12) },
        { start_date: dateFromToday(14), end_date: dateFromToday(16) },
        { start_date: dateFromToday(20), end_date: dateFromToday(21) },
      ],
    })
    const free = await api(
      'GET',
      `/api/listings/${listing.id}/availability?from=${dateFromToday(12)}&to=${dateFromToday(14)}`,
    )
    expect(free.body).toMatchObject({ available: true, booked: [] })
  })

  it('checks the window', async () => {
    const listing = await createListing(await createUser())
    const path = `/api/listings/${listing.id}/availability`
    let problem = expectProblem(await api('GET', `${path}?from=2026-13-01`), 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['query.from', 'query.to'])
    problem = expectProblem(
      await api('GET', `${path}?from=2030-01-02&to=2030-01-02`),
      400,
      'invalid_date_range',
    )
    expect(problem.errors?.map((e) => e.path)).toEqual(['query.to'])
    problem = expectProblem(
      await api('GET', `${path}?from=2030-01-01&to=2031-01-03`),
      400,
      'invalid_date_range',
    )
    expect(problem.errors?.map((e) => e.path)).toEqual(['query.to'])
  })

  it('answers 404 for an unknown listing', async () => {
    const res = await api('GET', '/api/listings/lst_unknown/availability?from=2030-01-01&to=2030-01-05')
    expectProblem(res, 404, 'listing_not_found')
  })
})
