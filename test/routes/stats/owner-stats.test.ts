import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createListing, createUser, dateFromToday, type TestUser } from '../../helpers/factories'
import { paidBooking } from '../../helpers/payments'

/** A booking of `listingId` (of `owner`) by a new renter, `days` long from `start` days ahead, paid. */
const paidRental = (owner: TestUser, listingId: string, start: number, days: number) =>
  paidBooking({ owner, listingId, startInDays: start, days })

describe('GET /api/me/stats', () => {
  it("gives an owner's bookings, nights, revenue, fees, refunds and net per month and currency, and occupancy", async () => {
    const owner = await createUser()
    const guitar = await createListing(owner, { dailyRate: 2_000, currency: 'usd', title: 'Guitar' })
    const drums = await createListing(owner, { dailyRate: 5_000, currency: 'jpy', title: 'Drums' })
    const first = await paidRental(owner, guitar.id, 2, 3) // 6,000 usd
    await paidRental(owner, guitar.id, 10, 2) // 4,000 usd
    await paidRental(owner, drums.id, 3, 4) // ¥20,000
    const refund = await api('POST', `/api/payments/${first.paymentId}/refund`, {
      token: owner.token,
      body: { amount: 1_000 },
    })
    expect(refund.status).toBe(200)
    const from = dateFromToday(0)
    const to = dateFromToday(20)
    const res = await api('GET', `/api/me/stats?from=${dateFromToday(-1)}&to=${dateFromToday(1)}`, {
      token: owner.token,
    })
    expect(res.status).toBe(200)
    const month = new Date().toISOString().slice(0, 7)
    expect(res.body.months).toEqual([
      {
        month,
        currency: 'jpy',
        bookings: 1,
        nights: 4,
        revenue: 20_000,
        platform_fees: 2_000,
        refunds: 0,
        net: 18_000,
      },
      {
        month,
        currency: 'usd',
        bookings: 2,
        nights: 5,
        revenue: 10_000,
        platform_fees: 1_000,
        refunds: 1_000,
        net: 8_000,
      },
    ])
    const window = await api('GET', `/api/me/stats?from=${from}&to=${to}`, { token: owner.token })
    expect(window.body.listings).toEqual([
      { listing_id: guitar.id, title: 'Guitar', nights_booked: 5, days_in_window: 20, occupancy: 0.25 },
      { listing_id: drums.id, title: 'Drums', nights_booked: 4, days_in_window: 20, occupancy: 0.2 },
    ])
  })

  it("shows a renter with no listings nothing, and never another owner's figures", async () => {
    const someone = await createUser()
    const res = await api('GET', `/api/me/stats?from=${dateFromToday(-1)}&to=${dateFromToday(1)}`, {
      token: someone.token,
    })
    expect(res.body).toMatchObject({ months: [], listings: [] })
  })

  it('refuses a window that is backwards, too long or not dates (400), and no token (401)', async () => {
    const { token } = await createUser()
    expectProblem(
      await api('GET', `/api/me/stats?from=${dateFromToday(5)}&to=${dateFromToday(1)}`, { token }),
      400,
      'invalid_date_range',
    )
    expectProblem(
      await api('GET', `/api/me/stats?from=${dateFromToday(0)}&to=${dateFromToday(400)}`, { token }),
      400,
      'invalid_date_range',
    )
    expectProblem(
      await api('GET', '/api/me/stats?from=yesterday&to=today', { token }),
      400,
      'validation_failed',
    )
    expectProblem(
      await api('GET', `/api/me/stats?from=${dateFromToday(0)}&to=${dateFromToday(1)}`),
      401,
      'unauthorized',
    )
  })
})
