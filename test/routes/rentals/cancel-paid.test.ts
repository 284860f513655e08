import { afterEach, describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { reconcileAt } from '../../helpers/cron'
import { createUser, dateFromToday, settings } from '../../helpers/factories'
import { deliverAbout, frontend, getPayment, getRental, paidWith } from '../../helpers/payments'
import { clearFaults, injectFault } from '../../helpers/stripe-emulator'

/*
 * Cancelling a paid rental: the renter gets exactly what the rental's cancellation policy gives now (the quote),
 * the owner's cancellation refunds all that is left, the dates are freed, and what the policy keeps is never
 * refunded afterwards by the cron or a late event.
 */

afterEach(() => clearFaults())

type Paid = Awaited<ReturnType<typeof paidWith>>

const cancel = (b: Paid, token = b.renter.token) =>
  api('POST', `/api/rentals/${b.rentalId}/cancel`, { token })
const quote = (b: Paid) =>
  api('GET', `/api/rentals/${b.rentalId}/cancellation-quote`, { token: b.renter.token })
const refundsAtStripe = async (b: Paid) =>
  (await frontend.refunds.list({ payment_intent: b.intentId, limit: 100 })).data
const available = async (b: Paid) =>
  (await api('GET', `/api/listings/${b.listingId}/availability?from=${b.startDate}&to=${b.endDate}`)).body
    .available

describe('POST /api/rentals/{id}/cancel on a paid rental', () => {
  it('refunds the renter in full inside the free window, and frees the dates', async () => {
    const b = await paidWith('pm_card_visa', { cancellationPolicy: 'flexible', startInDays: 10 })
    expect((await quote(b)).body.refund_amount).toBe(b.amount)
    const res = await cancel(b)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'cancelled', cancel_reason: 'cancelled_by_renter' })
    expect((await getPayment(b)).body).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect((await refundsAtStripe(b)).map((refund) => refund.amount)).toEqual([b.amount])
    expect(await available(b)).toBe(true)
  })

  it('refunds exactly the quote under a moderate policy 3 days out (half), and the cron keeps the rest', async () => {
    const b = await paidWith('pm_card_visa', { cancellationPolicy: 'moderate', startInDays: 3, days: 3 })
    const quoted = (await quote(b)).body
    expect(quoted).toMatchObject({ refund_percent: 50, refund_amount: Math.floor(b.amount / 2) })
    expect((await cancel(b)).status).toBe(200)
    await deliverAbout(b.intentId)
    expect((await getPayment(b)).body).toMatchObject({
      status: 'partially_refunded',
      amount_refunded: quoted.refund_amount,
    })
    expect((await getRental(b)).body.refund_due).toBe(quoted.refund_amount)
    const later = await reconcileAt(Date.now() + 3_600_000)
    expect(later.report.orphans_refunded).toBe(0)
    expect((await refundsAtStripe(b)).map((refund) => refund.amount)).toEqual([quoted.refund_amount])
  })

  it('refunds nothing under a strict policy 3 days out, and nothing later either', async () => {
    const b = await paidWith('pm_card_visa', { cancellationPolicy: 'strict', startInDays: 3 })
    expect((await cancel(b)).body).toMatchObject({ status: 'cancelled', refund_due: 0 })
    await deliverAbout(b.intentId)
    await reconcileAt(Date.now() + 3_600_000)
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(await refundsAtStripe(b)).toEqual([])
    expect(await available(b)).toBe(true)
  })

  it('refunds all that is left when the owner cancels, whatever the policy', async () => {
    const b = await paidWith('pm_card_visa', { cancellationPolicy: 'strict', startInDays: 2 })
    const res = await cancel(b, b.owner.token)
    expect(res.body).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'cancelled_by_owner',
      refund_due: b.amount,
    })
    expect((await getPayment(b)).body).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
  })

  it('cancels once when renter and owner race: one refund, one audit row', async () => {
    const b = await paidWith('pm_card_visa', { cancellationPolicy: 'moderate', startInDays: 3 })
    const answers = await Promise.all([cancel(b), cancel(b, b.owner.token), cancel(b)])
    expect(answers.filter((res) => res.status === 200)).toHaveLength(1)
    for (const res of answers.filter((r) => r.status !== 200))
      expectProblem(res, 409, 'rental_not_cancellable')
    expect(await refundsAtStripe(b)).toHaveLength(1)
  })

  it('keeps the rental cancelled when Stripe is down; the cron sends the reserved refund later, once', async () => {
    const b = await paidWith('pm_card_visa', { cancellationPolicy: 'flexible', startInDays: 10 })
    await injectFault({
      kind: 'error_500',
      method: 'POST',
      path_prefix: '/v1/refunds',
      count: settings().STRIPE_MAX_RETRIES + 1,
      should_retry: false,
    })
    const res = await cancel(b)
    expect(res.body.status).toBe('cancelled')
    expect(await refundsAtStripe(b)).toEqual([])
    await clearFaults()
    await reconcileAt(Date.now() + 60 * 60_000)
    expect((await refundsAtStripe(b)).map((refund) => refund.amount)).toEqual([b.amount])
    expect((await getPayment(b)).body).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
  })

  it('retries what the renter is owed when the refund fails afterwards (not more)', async () => {
    const b = await paidWith('pm_card_refundFail', { cancellationPolicy: 'moderate', startInDays: 3 })
    const owed = Math.floor(b.amount / 2)
    expect((await cancel(b)).status).toBe(200)
    await deliverAbout(b.intentId)
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    await reconcileAt(Date.now() + 2 * 3_600_000)
    expect((await refundsAtStripe(b)).map((refund) => refund.amount)).toEqual([owed, owed])
  })

  it('refuses an admin (403) and a stranger (404)', async () => {
    const b = await paidWith('pm_card_visa', { startInDays: 10 })
    expectProblem(await cancel(b, (await createUser({ role: 'admin' })).token), 403, 'forbidden')
    expectProblem(await cancel(b, (await createUser()).token), 404, 'rental_not_found')
    expect((await getRental(b)).body.status).toBe('active')
    expect(dateFromToday(10)).toBe(b.startDate)
  })
})
