import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:test'
import { api } from '../../helpers/api'
import { frontend } from '../../helpers/payments'
import { stripeCustomerFor } from '../../../src/use-cases/deposits/customers'
import { reconcileAt } from '../../helpers/cron'
import { createUser, services } from '../../helpers/factories'
import { auditOf } from '../../helpers/payments'
import { completeRental } from '../../../src/use-cases/rentals/complete-rental'
import {
  appNow,
  captureBefore,
  cronNow,
  DAY,
  depositRow,
  getDeposit,
  HOUR,
  intentsOfDeposit,
  paidDepositBooking,
  startOfDayFromToday,
  travelTo,
} from '../../helpers/deposits'

describe('the card, saved with consent', () => {
  it('is paid by the renter’s one Stripe Customer, with setup_future_usage=off_session', async () => {
    const renter = await createUser()
    const [first, second] = await Promise.all([
      paidDepositBooking({ renter, startInDays: 5 }),
      paidDepositBooking({ renter, startInDays: 6 }),
    ])
    const stored = await env.DB.prepare('SELECT stripe_customer_id FROM users WHERE id = ?')
      .bind(renter.id)
      .first<{ stripe_customer_id: string }>()
    for (const b of [first, second]) {
      const intent = await frontend.paymentIntents.retrieve(b.intentId)
      expect(intent).toMatchObject({
        customer: stored!.stripe_customer_id,
        setup_future_usage: 'off_session',
      })
      const row = await depositRow(b.rentalId)
      expect(row).toMatchObject({ stripe_customer_id: stored!.stripe_customer_id, status: 'scheduled' })
      // The card the payment saved, attached to that customer.
      expect(await frontend.paymentMethods.retrieve(row!.stripe_payment_method_id)).toMatchObject({
        customer: stored!.stripe_customer_id,
      })
    }
    // Two first payments at once made one customer (its idempotency key is the user's).
    const customers = await frontend.customers.list({ email: renter.email })
    expect(customers.data.map((customer) => customer.id)).toEqual([stored!.stripe_customer_id])
    const again = await Promise.all([0, 1].map(() => stripeCustomerFor(services(), renter.id)))
    expect(again).toEqual([stored!.stripe_customer_id, stored!.stripe_customer_id])
  })

  it('is not asked for when the listing has no deposit', async () => {
    const b = await paidDepositBooking({ deposit: 0, startInDays: 5 })
    const intent = await frontend.paymentIntents.retrieve(b.intentId)
    expect(intent).toMatchObject({ customer: null, setup_future_usage: null })
    expect(await depositRow(b.rentalId)).toBeNull()
  })
})

describe('the deposit hold', () => {
  it('of a rental cancelled after payment is released by the next cron run, its hold canceled', async () => {
    const b = await paidDepositBooking({ startInDays: 0 })
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('held')
    const cancelled = await api('POST', `/api/rentals/${b.rentalId}/cancel`, { token: b.owner.token })
    expect(cancelled.body.status).toBe('cancelled')
    const { report, errors } = await reconcileAt(Date.now())
    expect(errors).toEqual([])
    expect(report.deposits.deposits_released).toBe(1)
    expect((await getDeposit(b, b.renter.token)).body).toMatchObject({
      status: 'released',
      captured_amount: 0,
    })
    const row = await depositRow(b.rentalId)
    expect((await intentsOfDeposit(row!.id)).map((intent) => intent.status)).toEqual(['canceled'])
    expect((await auditOf(row!.id)).at(-1)).toMatchObject({
      from_status: 'held',
      to_status: 'released',
      source: 'reconciler',
      detail: 'the rental was cancelled',
    })
  })

  it('stays claimable for DEPOSIT_CLAIM_WINDOW_HOURS after a return later than the end', async () => {
    const b = await paidDepositBooking({ startInDays: 0, days: 1 })
    const window = Date.parse((await getDeposit(b, b.owner.token)).body.claim_window_ends_at)
    expect(window).toBe(Date.parse(`${b.endDate}T00:00:00Z`) + 2 * DAY)
    // Marked returned two days after the end (the API's clock, moved for this call only).
    const returnedAt = Date.parse(`${b.endDate}T00:00:00Z`) + 2 * DAY + 5 * HOUR
    await completeRental(services({ now: returnedAt }), { id: b.owner.id, role: 'user' }, b.rentalId)
    const after = await getDeposit(b, b.owner.token)
    expect(Date.parse(after.body.claim_window_ends_at)).toBe(returnedAt + 2 * DAY)
  })

  it('is held at payment when the rental starts within DEPOSIT_HOLD_LEAD_HOURS, on the card the payment saved', async () => {
    const b = await paidDepositBooking({ startInDays: 0 })
    const res = await getDeposit(b, b.renter.token)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'held', amount: 10_000, currency: 'usd', captured_amount: 0 })
    const row = await depositRow(b.rentalId)
    const [hold] = await intentsOfDeposit(row!.id)
    expect(hold).toMatchObject({ status: 'requires_capture', capture_method: 'manual', amount: 10_000 })
    expect(Date.parse(res.body.hold_expires_at)).toBe(await captureBefore(hold!.id))
  })

  it('is placed by the cron the day before the start, never at payment when the start is further', async () => {
    const b = await paidDepositBooking({ startInDays: 3 })
    const scheduled = await getDeposit(b, b.owner.token)
    expect(scheduled.body).toMatchObject({ status: 'scheduled', hold_expires_at: null })
    const due = startOfDayFromToday(3) - DAY
    expect(Date.parse(scheduled.body.hold_due_at)).toBe(due)
    await cronNow()
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('scheduled')
    await travelTo(due + 60_000)
    const { report, errors } = await cronNow()
    expect(errors).toEqual([])
    expect(report.deposits.holds_placed).toBe(1)
    const held = await getDeposit(b, b.owner.token)
    expect(held.body.status).toBe('held')
    const row = await depositRow(b.rentalId)
    const [hold] = await intentsOfDeposit(row!.id)
    // Visa held off-session: 4 days 18 hours from the emulator's clock, as Stripe says, not assumed.
    expect(Date.parse(held.body.hold_expires_at)).toBe(await captureBefore(hold!.id))
    expect(Date.parse(held.body.hold_expires_at) - appNow()).toBeGreaterThan(4 * DAY + 17 * HOUR)
    expect((await auditOf(row!.id)).map((r) => `${r.from_status}>${r.to_status}:${r.source}`)).toEqual([
      'null>scheduled:api',
      'scheduled>held:reconciler',
    ])
  })
})
