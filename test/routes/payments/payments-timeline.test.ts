import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser } from '../../helpers/factories'
import { reconcileAt } from '../../helpers/cron'
import { justAfter, onboardedOwner, paidFor, payoutFor } from '../../helpers/payouts'
import {
  booking,
  confirm,
  deliverAbout,
  initiate,
  initiateAndPay,
  paidWith,
  RETURN_URL,
  frontend,
} from '../../helpers/payments'

const timeline = (id: string, token: string) => api('GET', `/api/payments/${id}/timeline`, { token })
const events = (body: { entries: { event: string }[] }) => body.entries.map((entry) => entry.event)

describe('GET /api/payments/{id}/timeline', () => {
  it('tells a declined card, the retry, the payment and the rental in order', async () => {
    const b = await booking()
    const first = await initiateAndPay(b, 'pm_card_chargeDeclined')
    expect((await confirm(b, first.intentId)).status).toBe(402)
    const retry = await initiate(b)
    await frontend.paymentIntents.confirm(retry.body.payment_intent_id, {
      payment_method: 'pm_card_visa',
      return_url: RETURN_URL,
    })
    expect((await confirm(b, retry.body.payment_intent_id)).status).toBe(200)
    const res = await timeline(b.rentalId, b.renter.token)
    expect(res.status).toBe(200)
    expect(events(res.body)).toEqual([
      'booked',
      'payment_started',
      'payment_declined',
      'payment_started',
      'payment_completed',
      'rental_confirmed',
    ])
    expect(res.body.entries[2].text).toBe('Card declined (generic_decline)')
    expect(res.body.entries[3].text).toBe('Payment started (attempt 2)')
  })

  it("follows a refund that Stripe fails, in the renter's words and money", async () => {
    const b = await paidWith('pm_card_refundFail', { currency: 'jpy', dailyRate: 2_500 })
    const refunded = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: b.owner.token,
      body: { amount: 1_000 },
    })
    expect(refunded.status).toBe(200)
    await deliverAbout(refunded.body.refund.stripe_refund_id)
    const res = await timeline(b.paymentId, b.renter.token)
    const refundEntries = res.body.entries.filter((entry: { refund_id?: string }) => entry.refund_id)
    expect(refundEntries.map((entry: { text: string }) => entry.text)).toEqual([
      'Refund of ¥1,000 requested',
      'Refund of ¥1,000 succeeded',
      'Refund of ¥1,000 failed (expired or canceled card)',
    ])
  })

  it("shows the owner and admins the owner's payout (scheduled, sent, part taken back), not the renter", async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner)
    const payout = await payoutFor(b.paymentId)
    expect((await reconcileAt(justAfter(payout))).errors).toEqual([])
    const refunded = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: owner.token,
      body: { amount: 1_000 },
    })
    expect(refunded.status).toBe(200)
    const payoutEntries = (body: { entries: { event: string; payout_id?: string }[] }) =>
      body.entries.filter((entry) => entry.payout_id)
    const seen = (await timeline(b.paymentId, owner.token)).body
    expect(payoutEntries(seen).map((entry) => entry.event)).toEqual([
      'payout_scheduled',
      'payout_released',
      'payout_reversed',
    ])
    expect(payoutEntries(seen).every((entry) => entry.payout_id === payout.id)).toBe(true)
    expect(seen.entries.find((entry: { event: string }) => entry.event === 'payout_scheduled').text).toBe(
      `Owner payout scheduled, due ${payout.scheduledFor}`,
    )
    // In time order with the rest: the payout is sent after the payment completed, taken back after the refund.
    const order = events(seen)
    expect(order.indexOf('payout_released')).toBeGreaterThan(order.indexOf('payment_completed'))
    expect(order.indexOf('payout_reversed')).toBeGreaterThan(order.indexOf('refund_succeeded'))
    const admin = await createUser({ role: 'admin' })
    expect(payoutEntries((await timeline(b.paymentId, admin.token)).body)).toHaveLength(3)
    const renters = (await timeline(b.paymentId, b.renter.token)).body
    expect(payoutEntries(renters)).toEqual([])
    expect(events(renters).some((event) => event.startsWith('payout_'))).toBe(false)
  })

  it('is for the renter, the owner and admins; anyone else gets 404, no token 401', async () => {
    const b = await paidWith('pm_card_visa')
    expect((await timeline(b.paymentId, b.owner.token)).status).toBe(200)
    expect((await timeline(b.paymentId, (await createUser({ role: 'admin' })).token)).status).toBe(200)
    expectProblem(await timeline(b.paymentId, (await createUser()).token), 404, 'payment_not_found')
    expectProblem(await api('GET', `/api/payments/${b.paymentId}/timeline`), 401, 'unauthorized')
    expectProblem(await timeline('lst_notapayment', b.renter.token), 400, 'validation_failed')
  })
})
