import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { disableAccount } from '../../emulator/connect'
import { api, expectProblem } from '../../helpers/api'
import { reconcileAt } from '../../helpers/cron'
import { createUser, dateFromToday, type TestUser } from '../../helpers/factories'
import { paidBooking } from '../../helpers/payments'
import { accountBalance, justAfter, onboardedOwner, payoutFor } from '../../helpers/payouts'

/*
 * One owner's business, read back: a payout released whole, one released then partly refunded, one refunded
 * in part before release, one in yen, one not yet due, one failed; and another owner's.
 */
let owner: TestUser & { accountId: string }
let other: TestUser & { accountId: string }
let admin: TestUser
const ids: Record<string, { paymentId: string; rentalId: string }> = {}

const refund = (paymentId: string, amount: number) =>
  api('POST', `/api/payments/${paymentId}/refund`, { token: owner.token, body: { amount } })

beforeAll(async () => {
  owner = await onboardedOwner()
  other = await onboardedOwner()
  admin = await createUser({ role: 'admin' })
  const paid = async (name: string, overrides: Parameters<typeof paidBooking>[0]) => {
    const b = await paidBooking({ owner, ...overrides })
    ids[name] = { paymentId: b.paymentId, rentalId: b.rentalId }
    return b
  }
  const release = async (paymentId: string) => reconcileAt(justAfter(await payoutFor(paymentId)))
  await paid('whole', { dailyRate: 2_500, days: 3, startInDays: 2 })
  await release(ids.whole!.paymentId)
  await paid('refundedAfter', { dailyRate: 2_999, days: 1, startInDays: 3 })
  await release(ids.refundedAfter!.paymentId)
  await refund(ids.refundedAfter!.paymentId, 1_000)
  await paid('refundedBefore', { dailyRate: 3_333, days: 1, startInDays: 400 })
  await refund(ids.refundedBefore!.paymentId, 1_111)
  await paid('yen', { dailyRate: 1_005, days: 1, currency: 'jpy', startInDays: 4 })
  await release(ids.yen!.paymentId)
  await refund(ids.yen!.paymentId, 5)
  await paid('later', { dailyRate: 4_000, days: 2, startInDays: 401 })
  // The last: its owner's account is disabled before it is due.
  await paid('failed', { dailyRate: 1_234, days: 1, startInDays: 5 })
  await disableAccount(owner.accountId)
  await release(ids.failed!.paymentId)
  const theirs = await paidBooking({ owner: other, startInDays: 6 })
  ids.theirs = { paymentId: theirs.paymentId, rentalId: theirs.rentalId }
}, 60_000)

describe('GET /api/payouts', () => {
  it("lists the caller's payouts as owner, newest first, with their status and Stripe transfer", async () => {
    const res = await api('GET', '/api/payouts', { token: owner.token })
    expect(res.status).toBe(200)
    const byPayment = Object.fromEntries(res.body.data.map((p: any) => [p.payment_id, p]))
    expect(res.body.data.map((p: any) => p.payment_id)).toEqual(
      ['failed', 'later', 'yen', 'refundedBefore', 'refundedAfter', 'whole'].map(
        (name) => ids[name]!.paymentId,
      ),
    )
    expect(byPayment[ids.whole!.paymentId]).toMatchObject({
      rental_id: ids.whole!.rentalId,
      owner_id: owner.id,
      amount: 6_750,
      currency: 'usd',
      status: 'released',
      stripe_transfer_id: expect.stringMatching(/^tr_/),
      amount_reversed: 0,
      released_at: expect.any(String),
      failure_code: null,
    })
    expect(byPayment[ids.refundedAfter!.paymentId]).toMatchObject({
      status: 'partially_reversed',
      amount: 2_699,
      amount_reversed: 900,
    })
    // 3 333 paid, fee 333, 1 111 refunded before release: the fee gives back 111, the owner's 3 000 less 1 000.
    expect(byPayment[ids.refundedBefore!.paymentId]).toMatchObject({
      status: 'scheduled',
      amount: 2_000,
      stripe_transfer_id: null,
    })
    expect(byPayment[ids.yen!.paymentId]).toMatchObject({ currency: 'jpy', amount: 904, amount_reversed: 4 })
    expect(byPayment[ids.failed!.paymentId]).toMatchObject({
      status: 'failed',
      failure_code: 'insufficient_capabilities_for_transfer',
    })
  })

  it('only ever the caller’s own: another owner, a renter or an admin see theirs, never these', async () => {
    const theirs = await api('GET', '/api/payouts', { token: other.token })
    expect(theirs.body.data.map((p: any) => p.payment_id)).toEqual([ids.theirs!.paymentId])
    for (const user of [admin, await createUser()])
      expect((await api('GET', '/api/payouts', { token: user.token })).body).toEqual({
        data: [],
        next_cursor: null,
      })
  })

  it('filters by status and pages with the cursor', async () => {
    const released = await api('GET', '/api/payouts?status=released', { token: owner.token })
    expect(released.body.data.map((p: any) => p.payment_id)).toEqual([ids.whole!.paymentId])
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = await api('GET', `/api/payouts?limit=4${cursor ? `&cursor=${cursor}` : ''}`, {
        token: owner.token,
      })
      seen.push(...page.body.data.map((p: any) => p.id))
      cursor = page.body.next_cursor
    } while (cursor)
    expect(seen).toHaveLength(6)
    expect(new Set(seen).size).toBe(6)
    expectProblem(
      await api('GET', '/api/payouts?status=paid', { token: owner.token }),
      400,
      'validation_failed',
    )
    expectProblem(
      await api('GET', '/api/payouts?cursor=nope', { token: owner.token }),
      400,
      'validation_failed',
    )
    expectProblem(await api('GET', '/api/payouts'), 401, 'unauthorized')
  })

  it("reads one index range of the owner's payouts (no scan, no sort)", async () => {
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT * FROM payouts WHERE owner_id = ? AND status = ? ORDER BY created_at DESC, id DESC LIMIT 21`,
    )
      .bind(owner.id, 'released')
      .all<{ detail: string }>()
    const steps = plan.results.map((row) => row.detail).join(' | ')
    expect(steps).toContain('payouts_owner_status_created_idx')
    expect(steps).not.toMatch(/SCAN payouts|TEMP B-TREE/)
  })
})

describe('GET /api/admin/payouts', () => {
  it('lists every owner’s payouts in one status for operations; 403 to anyone else', async () => {
    const failed = await api('GET', '/api/admin/payouts?status=failed', { token: admin.token })
    expect(failed.body.data.map((p: any) => p.payment_id)).toContain(ids.failed!.paymentId)
    for (const payout of failed.body.data) expect(payout.status).toBe('failed')
    expectProblem(
      await api('GET', '/api/admin/payouts?status=failed', { token: owner.token }),
      403,
      'forbidden',
    )
    expectProblem(await api('GET', '/api/admin/payouts', { token: admin.token }), 400, 'validation_failed')
  })

  it('and GET /api/admin/attention lists failed payouts', async () => {
    const attention = await api('GET', '/api/admin/attention', { token: admin.token })
    expect(attention.body.failed_payouts).toContainEqual(
      expect.objectContaining({ owner_id: owner.id, failure_code: 'insufficient_capabilities_for_transfer' }),
    )
  })
})

describe('GET /api/me/earnings', () => {
  const window = () => `from=${dateFromToday(-1)}&to=${dateFromToday(2)}`

  it('adds up to the minor unit, per line and per currency, both ways', async () => {
    const res = await api('GET', `/api/me/earnings?${window()}`, { token: owner.token })
    expect(res.status).toBe(200)
    const { currencies, lines } = res.body
    expect(lines).toHaveLength(6)
    for (const line of [...lines, ...currencies]) {
      expect(line.gross).toBe(line.refunds + line.disputed + line.platform_fees + line.net)
      expect(line.net).toBe(line.released - line.reversed + line.scheduled + line.unsettled)
    }
    expect(currencies).toEqual([
      {
        currency: 'jpy',
        gross: 1_005,
        refunds: 5,
        disputed: 0,
        platform_fees: 100,
        net: 900,
        released: 904,
        reversed: 4,
        scheduled: 0,
        unsettled: 0,
      },
      {
        currency: 'usd',
        // 7 500 + 2 999 + 3 333 + 8 000 + 1 234
        gross: 23_066,
        refunds: 2_111,
        disputed: 0,
        // 750 + (300 − 100) + (333 − 111) + 800 + 123
        platform_fees: 2_095,
        // 6 750 + 1 799 + 2 000 + 7 200 + 1 111
        net: 18_860,
        released: 6_750 + 2_699,
        reversed: 900,
        scheduled: 2_000 + 7_200 + 1_111,
        unsettled: 0,
      },
    ])
    const yen = lines.find((line: any) => line.currency === 'jpy')
    expect(yen).toMatchObject({
      payment_id: ids.yen!.paymentId,
      status: 'partially_reversed',
      released_at: expect.any(String),
    })
    // What Stripe holds for the owner is what the statement says was released less reversed.
    expect(await accountBalance(owner.accountId, 'usd')).toBe(6_750 + 2_699 - 900)
    expect(await accountBalance(owner.accountId, 'jpy')).toBe(900)
  })

  it('gives the same lines as CSV with Accept: text/csv', async () => {
    const json = await api('GET', `/api/me/earnings?${window()}`, { token: owner.token })
    const csv = await api('GET', `/api/me/earnings?${window()}`, {
      token: owner.token,
      headers: { accept: 'text/csv' },
    })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="earnings-.*\.csv"$/)
    const [header, ...rows] = (csv.body as string).split('\r\n').filter(Boolean)
    const columns = header!.split(',')
    expect(columns).toEqual([
      'date',
      'payout_id',
      'kind',
      'payment_id',
      'damage_claim_id',
      'rental_id',
      'currency',
      'status',
      'gross',
      'refunds',
      'disputed',
      'platform_fees',
      'net',
      'released',
      'reversed',
      'scheduled',
      'unsettled',
      'scheduled_for',
      'released_at',
    ])
    const parsed = rows.map((row) =>
      Object.fromEntries(
        row.split(',').map((value, i) => [columns[i], /^\d+$/.test(value) ? Number(value) : value || null]),
      ),
    )
    expect(parsed).toEqual(json.body.lines)
  })

  it("reads one index range of the owner's payouts by creation time, each payment or claim by its key", async () => {
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT po.id, COALESCE(p.amount, c.captured_amount) FROM payouts po
         LEFT JOIN payments p ON p.id = po.payment_id LEFT JOIN damage_claims c ON c.id = po.claim_id
       WHERE po.owner_id = ? AND po.created_at >= ? AND po.created_at < ? ORDER BY po.created_at, po.id`,
    )
      .bind(owner.id, '2026-01-01', '2027-01-01')
      .all<{ detail: string }>()
    const steps = plan.results.map((row) => row.detail).join(' | ')
    expect(steps).toContain('payouts_owner_created_idx')
    expect(steps).toMatch(
      /SEARCH p USING INDEX sqlite_autoindex_payments_1|SEARCH p USING INTEGER PRIMARY KEY/,
    )
    expect(steps).toContain('SEARCH c USING INDEX sqlite_autoindex_damage_claims_1')
    expect(steps).not.toMatch(/SCAN|TEMP B-TREE/)
  })

  it("is the caller's own, within a window of at most 366 days", async () => {
    const theirs = await api('GET', `/api/me/earnings?${window()}`, { token: other.token })
    expect(theirs.body.lines.map((line: any) => line.payment_id)).toEqual([ids.theirs!.paymentId])
    const none = await api('GET', `/api/me/earnings?from=2020-01-01&to=2020-02-01`, { token: owner.token })
    expect(none.body).toEqual({ from: '2020-01-01', to: '2020-02-01', currencies: [], lines: [] })
    expectProblem(
      await api('GET', '/api/me/earnings?from=2026-02-01&to=2026-01-01', { token: owner.token }),
      400,
      'invalid_date_range',
    )
    expectProblem(
      await api('GET', '/api/me/earnings?from=2020-01-01&to=2026-01-01', { token: owner.token }),
      400,
      'invalid_date_range',
    )
    expectProblem(
      await api('GET', '/api/me/earnings?from=yesterday&to=2026-01-01', { token: owner.token }),
      400,
      'validation_failed',
    )
  })
})
