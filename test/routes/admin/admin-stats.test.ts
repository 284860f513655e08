import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser, dateFromToday, services } from '../../helpers/factories'
import { adminAttention } from '../../../src/use-cases/admin-stats'
import {
  booking,
  confirm,
  deliverWebhooks,
  initiate,
  initiateAndPay,
  paidBooking,
  frontend,
  RETURN_URL,
} from '../../helpers/payments'

const window = `from=${dateFromToday(-1)}&to=${dateFromToday(1)}`

describe('GET /api/admin/stats and /api/admin/attention', () => {
  it('gives volume, fees and rates per month and currency over every user', async () => {
    const admin = await createUser({ role: 'admin' })
    const paid = await paidBooking({ currency: 'chf', dailyRate: 1_000, days: 2 })
    await api('POST', `/api/payments/${paid.paymentId}/refund`, {
      token: paid.owner.token,
      body: { amount: 500 },
    })
    const declined = await booking({ currency: 'chf', dailyRate: 1_000, days: 1 })
    const first = await initiateAndPay(declined, 'pm_card_chargeDeclined')
    expect((await confirm(declined, first.intentId)).status).toBe(402)
    const retry = await initiate(declined)
    await frontend.paymentIntents.confirm(retry.body.payment_intent_id, {
      payment_method: 'pm_card_visa',
      return_url: RETURN_URL,
    })
    expect((await confirm(declined, retry.body.payment_intent_id)).status).toBe(200)
    const res = await api('GET', `/api/admin/stats?${window}`, { token: admin.token })
    expect(res.status).toBe(200)
    const chf = res.body.months.find((row: { currency: string }) => row.currency === 'chf')
    expect(chf).toMatchObject({
      payments: 2,
      paid: 2,
      gross_volume: 3_000,
      platform_fees: 300,
      refunded: 500,
      refund_rate: 0.1667,
      dispute_rate: 0,
      payment_failure_rate: 0.5,
    })
  })

  it('lists what needs an operator: a stuck payment, a refund_failed payment, an event not applied', async () => {
    const admin = await createUser({ role: 'admin' })
    const stuck = await booking()
    const started = await initiate(stuck)
    await env.DB.prepare(`UPDATE payments SET updated_at = '2020-01-01T00:00:00.000Z' WHERE id = ?`)
      .bind(started.body.payment_id)
      .run()
    const flagged = await paidBooking()
    await env.DB.prepare(`UPDATE payments SET status = 'refund_failed' WHERE id = ?`)
      .bind(flagged.paymentId)
      .run()
    await env.DB.prepare(
      `INSERT INTO stripe_event_failures (event_id, type, attempts, last_error, first_failed_at, last_failed_at)
       VALUES ('evt_attention', 'refund.updated', 3, 'boom', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    ).run()
    const res = await api('GET', '/api/admin/attention', { token: admin.token })
    expect(res.status).toBe(200)
    expect(res.body.stuck_payments.map((row: { id: string }) => row.id)).toContain(started.body.payment_id)
    expect(res.body.refund_failed_payments.map((row: { id: string }) => row.id)).toContain(flagged.paymentId)
    expect(res.body.events_not_applied).toEqual([
      expect.objectContaining({ event_id: 'evt_attention', attempts: 3 }),
    ])
  })

  it("tells the last hour's webhook lag: from Stripe creating each event to applying it", async () => {
    const admin = await createUser({ role: 'admin' })
    // A paid booking's events, delivered by the emulator and recorded with Stripe's creation time.
    await paidBooking()
    await deliverWebhooks()
    const live = await api('GET', '/api/admin/attention', { token: admin.token })
    expect(live.body.webhook_lag_last_hour.events).toBeGreaterThan(0)
    expect(live.body.webhook_lag_last_hour.max_seconds).toBeGreaterThanOrEqual(0)
    // At a later hour: only that hour's events count, each by how long it took.
    const at = (iso: string, lagSeconds: number) => [
      `evt_lag${lagSeconds}`,
      new Date(Date.parse(iso) - lagSeconds * 1000).toISOString(),
      iso,
    ]
    for (const [id, created, processed] of [
      at('2031-05-01T11:20:00.000Z', 12),
      at('2031-05-01T11:50:00.000Z', 30),
      at('2031-05-01T10:30:00.000Z', 999), // over an hour before: not counted
    ]) {
      await env.DB.prepare(
        `INSERT INTO stripe_events (id, type, object_id, created_at, processed_at) VALUES (?, 'payment_intent.succeeded', NULL, ?, ?)`,
      )
        .bind(id, created, processed)
        .run()
    }
    const later = await adminAttention(services({ now: Date.parse('2031-05-01T12:00:00.000Z') }), admin)
    expect(later.webhook_lag_last_hour).toEqual({ events: 2, average_seconds: 21, max_seconds: 30 })
    const quiet = await adminAttention(services({ now: Date.parse('2032-01-01T00:00:00.000Z') }), admin)
    expect(quiet.webhook_lag_last_hour).toEqual({ events: 0, average_seconds: null, max_seconds: null })
  })

  it('is for admins only (403), and validates the window', async () => {
    const user = await createUser()
    expectProblem(await api('GET', `/api/admin/stats?${window}`, { token: user.token }), 403, 'forbidden')
    expectProblem(await api('GET', '/api/admin/attention', { token: user.token }), 403, 'forbidden')
    const admin = await createUser({ role: 'admin' })
    expectProblem(
      await api('GET', `/api/admin/stats?from=${dateFromToday(3)}&to=${dateFromToday(1)}`, {
        token: admin.token,
      }),
      400,
      'invalid_date_range',
    )
  })
})
