import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import {
  createListing,
  createPaymentFor,
  createRental,
  createUser,
  dateFromToday,
  type TestUser,
} from '../../helpers/factories'
import { booking, getPayment, paidBooking } from '../../helpers/payments'

type PaymentJson = { id: string; status: string; created_at: string; renter_id: string; owner_id: string }

const list = (token: string | undefined, query = '') => api('GET', `/api/payments${query}`, { token })
const ids = (rows: { id: string }[]) => rows.map((row) => row.id)

describe('GET /api/payments/{id}', () => {
  it('the renter and the owner see it by rental id and by payment id, with its refunds', async () => {
    const b = await paidBooking()
    expect(
      (
        await api('POST', `/api/payments/${b.paymentId}/refund`, {
          token: b.owner.token,
          body: { amount: 500 },
        })
      ).status,
    ).toBe(200)
    for (const token of [b.renter.token, b.owner.token]) {
      for (const id of [b.rentalId, b.paymentId]) {
        const res = await api('GET', `/api/payments/${id}`, { token })
        expect(res.status).toBe(200)
        expect(res.body).toMatchObject({
          id: b.paymentId,
          rental_id: b.rentalId,
          renter_id: b.renter.id,
          owner_id: b.owner.id,
          status: 'partially_refunded',
          amount_refunded: 500,
          stripe_payment_intent_id: b.intentId,
        })
        expect(res.body.refunds).toMatchObject([
          { amount: 500, status: 'succeeded', payment_id: b.paymentId },
        ])
      }
    }
  })

  it('an admin sees it; a stranger gets 404 payment_not_found, by either id', async () => {
    const b = await paidBooking()
    const admin = await createUser({ role: 'admin' })
    expect((await getPayment(b, admin.token)).body.id).toBe(b.paymentId)
    const stranger = await createUser()
    expectProblem(
      await api('GET', `/api/payments/${b.rentalId}`, { token: stranger.token }),
      404,
      'payment_not_found',
    )
    expectProblem(
      await api('GET', `/api/payments/${b.paymentId}`, { token: stranger.token }),
      404,
      'payment_not_found',
    )
  })

  it('needs a token; 404 before any initiate; 400 for an id that is neither a rental nor a payment id', async () => {
    const b = await booking()
    expectProblem(await api('GET', `/api/payments/${b.rentalId}`), 401, 'unauthorized')
    expectProblem(await getPayment(b), 404, 'payment_not_found')
    expectProblem(
      await api('GET', '/api/payments/usr_123', { token: b.renter.token }),
      400,
      'validation_failed',
    )
    expectProblem(
      await api('GET', "/api/payments/rnt_1'or'1'='1", { token: b.renter.token }),
      400,
      'validation_failed',
    )
  })
})

describe('GET /api/payments', () => {
  let me: TestUser
  let asOwner: string[]
  let asRenter: string[]
  let strangers: string

  // me owns a listing rented twice, and rents three other listings; somebody else's payment is not mine.
  beforeAll(async () => {
    me = await createUser()
    const myListing = await createListing(me)
    asOwner = []
    for (const [i, status] of (['completed', 'pending'] as const).entries()) {
      const rental = await createRental(await createUser(), myListing, {
        startDate: dateFromToday(20 + i * 5),
        endDate: dateFromToday(22 + i * 5),
      })
      asOwner.push((await createPaymentFor(rental, status)).id)
    }
    const owner = await createUser()
    asRenter = []
    for (const status of ['completed', 'failed', 'refunded'] as const) {
      asRenter.push((await createPaymentFor(await createRental(me, await createListing(owner)), status)).id)
    }
    const other = await createUser()
    strangers = (await createPaymentFor(await createRental(other, await createListing(owner)), 'completed'))
      .id
  })

  it("lists only the caller's payments, as renter and as owner, newest first", async () => {
    const res = await list(me.token)
    expect(res.status).toBe(200)
    const rows: PaymentJson[] = res.body.data
    expect(new Set(ids(rows))).toEqual(new Set([...asOwner, ...asRenter]))
    expect(ids(rows)).not.toContain(strangers)
    const order = rows.map((row) => `${row.created_at}|${row.id}`)
    expect(order).toEqual([...order].sort().reverse())
    expect(res.body.next_cursor).toBeNull()
  })

  it('shows each payment exactly as GET /api/payments/{id} does, refunds aside', async () => {
    // Every nullable field non-null and distinct, and text that JSON must escape, so that a field written
    // from the wrong column, or escaped differently, shows.
    const tricky = 'Declined: "quoted", back\\slash, tab\t, newline\n, \u0001, ünïcødé 🎸'
    for (const [i, id] of [...asOwner, ...asRenter].entries()) {
      await env.DB.prepare(
        `UPDATE payments SET stripe_payment_intent_id = ?, stripe_charge_id = ?, failure_code = ?,
           failure_message = ?, updated_at = ?, completed_at = ?, refunded_at = ? WHERE id = ?`,
      )
        .bind(
          `pi_t${i}`,
          `ch_t${i}`,
          `code_${i}`,
          `${tricky} ${i}`,
          `2030-01-0${i + 1}T00:00:01.000Z`,
          `2030-01-0${i + 1}T00:00:02.000Z`,
          `2030-01-0${i + 1}T00:00:03.000Z`,
          id,
        )
        .run()
    }
    const res = await list(me.token)
    expect(res.body.data).toHaveLength(asOwner.length + asRenter.length)
    expect(res.headers.get('content-type')).toBe('application/json')
    for (const item of res.body.data as PaymentJson[]) {
      const { refunds, ...one } = (await api('GET', `/api/payments/${item.id}`, { token: me.token })).body
      expect(refunds).toBeInstanceOf(Array)
      expect(item).toEqual(one)
      expect(Object.keys(item)).toEqual(Object.keys(one))
    }
  })

  it('filters by role and by status', async () => {
    expect(new Set(ids((await list(me.token, '?role=owner')).body.data))).toEqual(new Set(asOwner))
    expect(new Set(ids((await list(me.token, '?role=renter')).body.data))).toEqual(new Set(asRenter))
    const completed: PaymentJson[] = (await list(me.token, '?status=completed')).body.data
    expect(new Set(ids(completed))).toEqual(new Set([asOwner[0], asRenter[0]]))
    expect(ids((await list(me.token, '?role=renter&status=failed')).body.data)).toEqual([asRenter[1]])
    expect((await list(me.token, '?role=owner&status=refunded')).body.data).toEqual([])
  })

  it('walks every page with the cursor, each payment once, in the same order', async () => {
    const everything = ids((await list(me.token, '?limit=100')).body.data)
    for (const query of ['?limit=2', '?limit=1&role=renter']) {
      const walked: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const res = await list(me.token, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        expect(res.status).toBe(200)
        walked.push(...ids(res.body.data))
        cursor = res.body.next_cursor
        pages++
      } while (cursor && pages < 10)
      expect(walked).toEqual(
        query.includes('renter') ? everything.filter((id) => asRenter.includes(id)) : everything,
      )
      expect(pages).toBe(3)
    }
  })

  it('400 for limit above 100 or below 1, an unknown role or status, and a forged cursor', async () => {
    for (const query of [
      '?limit=101',
      '?limit=0',
      '?role=admin',
      '?status=paid',
      '?cursor=bm90LWEtY3Vyc29y',
    ]) {
      expectProblem(await list(me.token, query), 400, 'validation_failed')
    }
  })

  it('needs a token; a user with no payments gets an empty page', async () => {
    expectProblem(await list(undefined), 401, 'unauthorized')
    const res = await list((await createUser()).token)
    expect(res.body).toEqual({ data: [], next_cursor: null })
  })
})
