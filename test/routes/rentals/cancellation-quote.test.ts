import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { startOfDay } from '../../../src/domain/cancellation-policies'
import { api, expectProblem } from '../../helpers/api'
import { createUser, dateFromToday, type TestUser } from '../../helpers/factories'
import { confirm, initiateAndPay } from '../../helpers/payments'
import { useSettings } from '../../helpers/stripe-emulator'

// Owners here have no payout account and the tests are not about payouts (test/routes/payouts/ is).
useSettings({ OWNER_PAYOUTS: 'off' })

/** A listing made through the API (so its policy and time zone are validated), and its owner. */
async function listingWith(body: Record<string, unknown>) {
  const owner = await createUser()
  const instrument = await api('POST', '/api/instruments', {
    token: owner.token,
    body: { name: 'Quote Bass', category: 'bass' },
  })
  const res = await api('POST', '/api/listings', {
    token: owner.token,
    body: { instrument_id: instrument.body.id, title: 'Quote', daily_rate: 3_000, currency: 'usd', ...body },
  })
  return { owner, res }
}

async function bookedWith(body: Record<string, unknown>, startInDays: number) {
  const { owner, res } = await listingWith(body)
  expect(res.status).toBe(201)
  const renter = await createUser()
  const booked = await api('POST', '/api/rentals', {
    token: renter.token,
    body: {
      listing_id: res.body.id,
      start_date: dateFromToday(startInDays),
      end_date: dateFromToday(startInDays + 2),
    },
  })
  expect(booked.status).toBe(201)
  return {
    owner,
    renter,
    listingId: res.body.id as string,
    rentalId: booked.body.id as string,
    rental: booked.body,
  }
}

const quote = (rentalId: string, user: TestUser) =>
  api('GET', `/api/rentals/${rentalId}/cancellation-quote`, { token: user.token })

describe('listings choose a cancellation policy and a time zone', () => {
  it('defaults to flexible in UTC, and copies both onto each rental at booking', async () => {
    const { res } = await listingWith({})
    expect(res.body).toMatchObject({ cancellation_policy: 'flexible', time_zone: 'UTC' })
    const b = await bookedWith({ cancellation_policy: 'strict', time_zone: 'Europe/Berlin' }, 20)
    expect(b.rental).toMatchObject({ cancellation_policy: 'strict', time_zone: 'Europe/Berlin' })
  })

  it('refuses an unknown policy or time zone, naming the field', async () => {
    expectProblem((await listingWith({ cancellation_policy: 'lenient' })).res, 400, 'validation_failed')
    const zone = (await listingWith({ time_zone: 'Mars/Olympus_Mons' })).res
    expectProblem(zone, 400, 'validation_failed')
    expect(zone.body.errors).toEqual([expect.objectContaining({ path: 'body.time_zone' })])
  })
})

describe('GET /api/rentals/{id}/cancellation-quote', () => {
  it('quotes nothing to refund before payment, and the policy share of what is paid after', async () => {
    const b = await bookedWith({ cancellation_policy: 'flexible', time_zone: 'America/New_York' }, 10)
    const unpaid = await quote(b.rentalId, b.renter)
    expect(unpaid.status).toBe(200)
    expect(unpaid.body).toMatchObject({
      rental_id: b.rentalId,
      cancellation_policy: 'flexible',
      time_zone: 'America/New_York',
      starts_at: startOfDay(dateFromToday(10), 'America/New_York').toISOString(),
      paid_amount: 0,
      refund_amount: 0,
      refund_percent: 100,
      currency: 'usd',
    })
    const { intentId } = await initiateAndPay({ ...b, amount: 6_000, startDate: '', endDate: '' })
    expect((await confirm({ ...b, amount: 6_000, startDate: '', endDate: '' }, intentId)).status).toBe(200)
    const paid = await quote(b.rentalId, b.owner)
    expect(paid.body).toMatchObject({ paid_amount: 6_000, refundable_amount: 6_000, refund_amount: 6_000 })
    expect(paid.body.rule).toBe('100% refunded until 1 day before the start')
    expect(Date.parse(paid.body.valid_until)).toBe(Date.parse(paid.body.starts_at) - 24 * 3_600_000)
  })

  it('applies each policy by how far the start is: strict 3 days ahead refunds nothing, moderate half', async () => {
    const strict = await bookedWith({ cancellation_policy: 'strict' }, 3)
    expect((await quote(strict.rentalId, strict.renter)).body).toMatchObject({
      refund_percent: 0,
      valid_until: null,
      rule: '0% refunded after 7 days before the start',
    })
    const moderate = await bookedWith({ cancellation_policy: 'moderate' }, 3)
    expect((await quote(moderate.rentalId, moderate.renter)).body).toMatchObject({
      refund_percent: 50,
      rule: '50% refunded until the start',
    })
  })

  it("keeps the rental's own copy: changing the listing's policy later changes no booked rental", async () => {
    const b = await bookedWith({ cancellation_policy: 'flexible', time_zone: 'Europe/Berlin' }, 10)
    await env.DB.prepare(`UPDATE listings SET cancellation_policy = 'strict', time_zone = 'UTC' WHERE id = ?`)
      .bind(b.listingId)
      .run()
    expect((await quote(b.rentalId, b.renter)).body).toMatchObject({
      cancellation_policy: 'flexible',
      time_zone: 'Europe/Berlin',
      refund_percent: 100,
    })
  })

  it('is for the renter and the owner: an admin gets 403, anyone else 404, no token 401', async () => {
    const b = await bookedWith({}, 12)
    expectProblem(await quote(b.rentalId, await createUser({ role: 'admin' })), 403, 'forbidden')
    expectProblem(await quote(b.rentalId, await createUser()), 404, 'rental_not_found')
    expectProblem(await api('GET', `/api/rentals/${b.rentalId}/cancellation-quote`), 401, 'unauthorized')
    expectProblem(await quote('rnt_doesnotexist', b.renter), 404, 'rental_not_found')
  })

  it('refuses a rental that can no longer be cancelled (409)', async () => {
    const b = await bookedWith({}, 14)
    expect((await api('POST', `/api/rentals/${b.rentalId}/cancel`, { token: b.renter.token })).status).toBe(
      200,
    )
    expectProblem(await quote(b.rentalId, b.renter), 409, 'rental_not_cancellable')
  })
})
