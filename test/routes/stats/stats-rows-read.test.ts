import { describe, expect, it } from 'vitest'
import { createApp } from '../../../src/app'
import { insertPayments, insertRentals } from '../../helpers/bulk-insert'
import { createListing, createUser } from '../../helpers/factories'
import { metered } from '../../helpers/metered'

/*
 * An owner's figures and the platform's figures for one month read rows in proportion to that month, not to
 * the history: the same request after eleven more months of bookings reads about as many rows.
 */

const app = createApp()
const DAY = 86_400_000

async function rowsRead(path: string, token: string) {
  const request = new Request(`https://backline.test${path}`, {
    headers: { authorization: `Bearer ${token}`, 'cf-connecting-ip': '10.8.8.8' },
  })
  const { status, rowsRead } = await metered(app, request)
  expect(status).toBe(200)
  return rowsRead
}

/** `count` paid two-day rentals of `listing`, one a day from `firstDay` (ms), written straight to D1. */
async function seed(owner: string, renter: string, listing: string, firstDay: number, count: number) {
  const rentals: (string | number)[][] = []
  const payments: (string | number)[][] = []
  for (let n = 0; n < count; n++) {
    const start = new Date(firstDay + n * DAY)
    const [startDate, endDate] = [
      start.toISOString().slice(0, 10),
      new Date(start.getTime() + 2 * DAY).toISOString().slice(0, 10),
    ]
    const at = start.toISOString()
    const rental = `rnt_st${firstDay}${n}`
    rentals.push([
      rental,
      listing,
      renter,
      owner,
      startDate,
      endDate,
      2,
      1000,
      2000,
      'usd',
      0,
      'completed',
      at,
      at,
      at,
    ])
    payments.push([
      `pay_st${firstDay}${n}`,
      rental,
      renter,
      owner,
      2000,
      'usd',
      'completed',
      200,
      1800,
      0,
      at,
      at,
      at,
    ])
  }
  await insertRentals(rentals)
  await insertPayments(payments, ['completed_at'])
}

describe('GET /api/me/stats and GET /api/admin/stats read what the window holds', () => {
  it.each([
    ['/api/me/stats', 'user'],
    ['/api/admin/stats', 'admin'],
  ] as const)(
    '%s costs the same for one month with one month of history or twelve',
    async (endpoint, role) => {
      const owner = await createUser()
      const reader = role === 'admin' ? await createUser({ role: 'admin' }) : owner
      const renter = await createUser()
      const listing = await createListing(owner)
      const month = Date.parse(role === 'admin' ? '2024-12-01T00:00:00Z' : '2025-12-01T00:00:00Z')
      await seed(owner.id, renter.id, listing.id, month, 14)
      const window = new Date(month).toISOString().slice(0, 10)
      const next = new Date(month + 31 * DAY).toISOString().slice(0, 8) + '01'
      const path = `${endpoint}?from=${window}&to=${next}`
      const small = await rowsRead(path, reader.token)
      await seed(owner.id, renter.id, listing.id, month - 330 * DAY, 154) // eleven earlier months, 14 a month
      const large = await rowsRead(path, reader.token)
      expect(small).toBeGreaterThan(0)
      expect(large / small).toBeLessThanOrEqual(1.2)
    },
  )
})
