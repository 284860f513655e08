import { describe, expect, it } from 'vitest'
import { api } from '../../helpers/api'
import { createUser } from '../../helpers/factories'
import { auditOf, deliverWebhooks, frontend } from '../../helpers/payments'
import {
  appNow,
  captureBefore,
  cronNow,
  depositRow,
  getDeposit,
  HOUR,
  intentsOfDeposit,
  paidDepositBooking,
  travelTo,
} from '../../helpers/deposits'

/*
 * A rental plus its claim window can outlast a card hold (4 days 18 hours for a Visa held off-session): the
 * cron places a fresh hold before the old one expires, and cancels the old one only once the new one stands.
 * A hold Stripe lets expire anyway leaves the deposit lapsed, and a claim is then charged off-session.
 * Both move this file's clocks, each test from where the last one left them.
 */
describe('a rental longer than its hold', () => {
  it('is held again before the hold expires, with no gap, and the old hold is canceled after', async () => {
    // 7 days from today, then 48 hours of claim window: 9 days to cover, with holds of 4 days 18 hours.
    const b = await paidDepositBooking({ startInDays: 0, days: 7 })
    const row = await depositRow(b.rentalId)
    const first = (await intentsOfDeposit(row!.id))[0]!
    const firstExpiry = await captureBefore(first.id)
    expect(Date.parse((await getDeposit(b, b.owner.token)).body.hold_expires_at)).toBe(firstExpiry)

    // 13 hours before it expires: not yet (DEPOSIT_REHOLD_BEFORE_HOURS = 12).
    await travelTo(firstExpiry - 13 * HOUR)
    expect((await cronNow()).report.deposits.holds_renewed).toBe(0)
    // 11 hours before: a fresh hold, and only then is the old one canceled.
    await travelTo(firstExpiry - 11 * HOUR)
    const { report, errors } = await cronNow()
    expect(errors).toEqual([])
    expect(report.deposits.holds_renewed).toBe(1)
    const [old, fresh] = await intentsOfDeposit(row!.id)
    expect(old).toMatchObject({ id: first.id, status: 'canceled', cancellation_reason: 'abandoned' })
    expect(fresh).toMatchObject({ status: 'requires_capture', amount: 10_000, capture_method: 'manual' })
    // The fresh hold was authorized before the old one was canceled: never a moment without one.
    expect(fresh!.created).toBeLessThanOrEqual(old!.canceled_at!)
    const renewed = await getDeposit(b, b.owner.token)
    expect(renewed.body.status).toBe('held')
    const freshExpiry = await captureBefore(fresh!.id)
    expect(Date.parse(renewed.body.hold_expires_at)).toBe(freshExpiry)
    expect(freshExpiry).toBeGreaterThan(firstExpiry)
    expect((await auditOf(row!.id)).map((r) => `${r.from_status}>${r.to_status}:${r.source}`)).toEqual([
      'null>scheduled:api',
      'scheduled>held:api',
      'held>held:reconciler',
    ])
    // Webhooks of both (the old one's cancel too) change nothing more.
    expect(new Set(await deliverWebhooks())).toEqual(new Set([200]))
    expect((await getDeposit(b, b.owner.token)).body).toMatchObject({ status: 'held' })

    // Past the first hold's expiry the deposit is still held; the next run renews nothing already fresh.
    await travelTo(firstExpiry + HOUR)
    expect((await cronNow()).report.deposits.holds_renewed).toBe(0)
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('held')
    // The fresh hold covers the claim window (the end + 48 hours): no third hold is needed.
    const window = Date.parse(renewed.body.claim_window_ends_at)
    expect(freshExpiry).toBeGreaterThan(window)
    await travelTo(freshExpiry - 11 * HOUR)
    expect((await cronNow()).report.deposits.holds_renewed).toBe(0)
    expect(await intentsOfDeposit(row!.id)).toHaveLength(2)
  })
})

describe('a hold Stripe lets expire', () => {
  it('leaves the deposit lapsed, and a claim is charged off-session to the saved card', async () => {
    const b = await paidDepositBooking({ startInDays: 0, days: 2 })
    await api('POST', `/api/rentals/${b.rentalId}/complete`, { token: b.owner.token })
    const row = await depositRow(b.rentalId)
    const hold = (await intentsOfDeposit(row!.id))[0]!
    // No cron runs meanwhile (the fresh hold would have come): Stripe expires the hold.
    await travelTo((await captureBefore(hold.id)) + 60_000)
    const delivered = await deliverWebhooks()
    expect(new Set(delivered)).toEqual(new Set([200]))
    const lapsed = await getDeposit(b, b.owner.token)
    expect(lapsed.body).toMatchObject({ status: 'lapsed', captured_amount: 0 })
    expect((await frontend.paymentIntents.retrieve(hold.id)).cancellation_reason).toBe('automatic')
    expect((await auditOf(row!.id)).at(-1)).toMatchObject({
      from_status: 'held',
      to_status: 'lapsed',
      source: 'webhook',
    })

    // The claim window is still open (the API's own clock): the owner claims, the renter accepts.
    const filed = await api('POST', `/api/rentals/${b.rentalId}/damage-claims`, {
      token: b.owner.token,
      body: { amount: 4_200, description: 'Missing tremolo arm and case latch' },
    })
    expect(filed.status).toBe(201)
    const accepted = await api('POST', `/api/damage-claims/${filed.body.id}/accept`, {
      token: b.renter.token,
    })
    expect(accepted.body).toMatchObject({ status: 'captured', captured_amount: 4_200, owner_share: 4_200 })
    expect((await getDeposit(b, b.renter.token)).body).toMatchObject({
      status: 'partially_captured',
      captured_amount: 4_200,
    })
    const [, charge] = await intentsOfDeposit(row!.id)
    expect(charge).toMatchObject({
      status: 'succeeded',
      amount: 4_200,
      amount_received: 4_200,
      capture_method: 'automatic',
      customer: row!.stripe_customer_id,
      payment_method: row!.stripe_payment_method_id,
      metadata: { deposit_id: row!.id, purpose: 'deposit_claim', claim_id: filed.body.id },
    })
    expect(appNow()).toBeGreaterThan(Date.parse(lapsed.body.hold_expires_at))
  })

  it('a lapsed deposit whose card can no longer be charged: the claim is collection_failed, for the owner and an admin to see', async () => {
    const b = await paidDepositBooking({ startInDays: 0, days: 2 })
    const row = await depositRow(b.rentalId)
    const hold = (await intentsOfDeposit(row!.id))[0]!
    await travelTo((await captureBefore(hold.id)) + 60_000)
    await deliverWebhooks()
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('lapsed')
    // The renter removed the card from their Stripe customer meanwhile.
    await frontend.paymentMethods.detach(row!.stripe_payment_method_id)
    const filed = await api('POST', `/api/rentals/${b.rentalId}/damage-claims`, {
      token: b.owner.token,
      body: { amount: 3_000, description: 'Cracked headstock' },
    })
    const accepted = await api('POST', `/api/damage-claims/${filed.body.id}/accept`, {
      token: b.renter.token,
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body).toMatchObject({ status: 'collection_failed', captured_amount: null })
    expect(accepted.body.failure_code).toBeTruthy()
    const owner = await api('GET', `/api/rentals/${b.rentalId}/damage-claims`, { token: b.owner.token })
    expect(owner.body.data[0].status).toBe('collection_failed')
    expect((await getDeposit(b, b.owner.token)).body).toMatchObject({ status: 'failed', captured_amount: 0 })
    const admin = await createUser({ role: 'admin' })
    const attention = await api('GET', '/api/admin/attention', { token: admin.token })
    expect(attention.body.claims_collection_failed).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: filed.body.id, rental_id: b.rentalId })]),
    )
  })
})
