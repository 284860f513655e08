import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser, settings, type TestUser } from '../../helpers/factories'
import {
  auditOf,
  booking,
  confirm,
  datesFree,
  frontend,
  getPayment,
  getRental,
  initiate,
  initiateAndPay,
  RETURN_URL,
  type Booking,
} from '../../helpers/payments'
import { runCron } from '../../helpers/cron'
import { clearFaults, injectFault, settle } from '../../helpers/stripe-emulator'

/*
 * A pending rental's PaymentIntent is canceled at Stripe before the rental is cancelled (by a party, by the
 * cron's hold expiry, or by a booking over an expired hold), and Stripe's answer decides: canceled, the rental
 * is cancelled and the card can no longer be charged; already paid, the rental is paid and keeps its dates,
 * with nothing refunded. Cancelling the rental first and the intent later (the old order) would leave a
 * cancelled rental whose late payment is refunded in full: every test below would see a cancelled rental or
 * a refund where it expects neither.
 */

const HOUR_AGO = () => new Date(Date.now() - 3_600_000).toISOString()

const cancel = (b: Booking, token = b.renter.token) =>
  api('POST', `/api/rentals/${b.rentalId}/cancel`, { token })

/** The hold ran out an hour ago (the renter never came back, or paid too late for Backline to know). */
const ageHold = (rentalId: string) =>
  env.DB.prepare('UPDATE rentals SET hold_expires_at = ? WHERE id = ?').bind(HOUR_AGO(), rentalId).run()

/** The browser tries to pay an intent with a good card; returns the SDK's error (undefined: it paid). */
const payLate = (intentId: string) =>
  frontend.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa', return_url: RETURN_URL }).then(
    () => undefined,
    (error: unknown) => error as { type?: string; code?: string },
  )

const chargesOf = async (intentId: string) => (await frontend.charges.list({ payment_intent: intentId })).data
const refundsOf = async (intentId: string) => (await frontend.refunds.list({ payment_intent: intentId })).data

/** The rental's audit trail as `from>to:detail`, oldest first. */
const movesOf = async (rentalId: string) =>
  (await auditOf(rentalId)).map((row) => `${row.from_status}>${row.to_status}:${row.detail ?? ''}`)

/** A second renter booking the very dates of `b`. */
const bookSameDates = (b: Booking, renter: TestUser) =>
  api('POST', '/api/rentals', {
    token: renter.token,
    body: { listing_id: b.listingId, start_date: b.startDate, end_date: b.endDate },
  })

afterEach(() => clearFaults())

describe('cancelling a rental before it is paid', () => {
  for (const who of ['renter', 'owner'] as const) {
    it(`by the ${who}: the PaymentIntent is canceled at Stripe and can no longer be paid`, async () => {
      const b = await booking()
      const started = await initiate(b)
      expect(started.status).toBe(200)
      const intentId: string = started.body.payment_intent_id
      expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('requires_payment_method')

      const cancelled = await cancel(b, b[who].token)
      expect(cancelled.status).toBe(200)
      const reason = who === 'renter' ? 'cancelled_by_renter' : 'cancelled_by_owner'
      expect(cancelled.body).toMatchObject({ id: b.rentalId, status: 'cancelled', cancel_reason: reason })

      const intent = await frontend.paymentIntents.retrieve(intentId)
      expect(intent.status).toBe('canceled')
      expect(intent.cancellation_reason).toBe('abandoned')
      // The browser comes back with a good card: Stripe refuses, and nothing is charged.
      expect(await payLate(intentId)).toMatchObject({
        type: 'StripeInvalidRequestError',
        code: 'payment_intent_unexpected_state',
      })
      expect(await chargesOf(intentId)).toEqual([])
      expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('canceled')

      expect((await getPayment(b)).body).toMatchObject({
        status: 'failed',
        failure_code: 'canceled',
        amount_refunded: 0,
      })
      expect((await getRental(b)).body).toMatchObject({ status: 'cancelled', cancel_reason: reason })
      expect(await movesOf(b.rentalId)).toEqual(['null>pending:', `pending>cancelled:${reason}`])
      expect(await datesFree(b)).toBe(true)
      // Cancelled once: a second cancel is refused and calls Stripe for nothing.
      expectProblem(await cancel(b, b[who].token), 409, 'rental_not_cancellable')
    })
  }

  it('cancels a rental without a payment at all (no Stripe call needed)', async () => {
    const b = await booking()
    const cancelled = await cancel(b)
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancel_reason: 'cancelled_by_renter' })
  })
})

describe('cancelling a rental the renter has already paid in the browser', () => {
  it('paid but not confirmed, webhooks not delivered: 409 rental_already_paid, the rental is active, nothing refunded', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    // Backline has heard nothing yet: to it the payment is still pending.
    expect((await getPayment(b)).body.status).toBe('pending')

    expectProblem(await cancel(b), 409, 'rental_already_paid')

    expect((await getRental(b)).body).toMatchObject({ status: 'active', cancel_reason: null })
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(await refundsOf(intentId)).toEqual([])
    const [charge, ...more] = await chargesOf(intentId)
    expect(more).toEqual([])
    expect(charge).toMatchObject({ amount: b.amount, amount_refunded: 0, refunded: false })
    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('succeeded')
    expect(await movesOf(b.rentalId)).toEqual(['null>pending:', 'pending>active:paid'])
    expect(await datesFree(b)).toBe(false)
    // Paid now: cancelling it again is a paid cancellation, which refunds under the policy (the owner: all).
    const again = await cancel(b, b.owner.token)
    expect(again.body).toMatchObject({ status: 'cancelled', cancel_reason: 'cancelled_by_owner' })
    expect((await refundsOf(intentId)).map((refund) => refund.amount)).toEqual([b.amount])
  })

  it('the owner cancelling a rental paid in the browser gets the same answer', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    expectProblem(await cancel(b, b.owner.token), 409, 'rental_already_paid')
    expect((await getRental(b)).body.status).toBe('active')
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(await refundsOf(intentId)).toEqual([])
  })

  it('a payment known to be processing: 409, the rental stays pending and keeps its dates, the intent is not canceled', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_emulator_processing')
    expect((await confirm(b, intentId)).status).toBe(202)
    expect((await getPayment(b)).body.status).toBe('processing')

    // Backline knows the payment is under way, so it does not ask Stripe: the rental is not cancellable.
    expectProblem(await cancel(b), 409, 'rental_not_cancellable')

    expect((await getRental(b)).body).toMatchObject({ status: 'pending', cancel_reason: null })
    expect((await getPayment(b)).body.status).toBe('processing')
    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('processing')
    expect(await datesFree(b)).toBe(false)
    expect(await movesOf(b.rentalId)).toEqual(['null>pending:'])
    expect(await refundsOf(intentId)).toEqual([])
  })
  it('a payment processing that Backline has not heard of: Stripe decides; the emulator cancels it, so nothing can be charged', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_emulator_processing')
    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('processing')
    expect((await getPayment(b)).body.status).toBe('pending')

    // Stripe may cancel a processing PaymentIntent ("in rare cases"), and the emulator always does. Had it
    // refused, cancelRental would answer 409 rental_already_paid from the intent it re-reads.
    const cancelled = await cancel(b)
    expect(cancelled.status).toBe(200)
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancel_reason: 'cancelled_by_renter' })
    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('canceled')
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'canceled' })
    // The debit can no longer settle into a charge.
    await expect(settle(intentId, 'succeed')).rejects.toThrow(/not processing/)
    expect((await chargesOf(intentId)).filter((charge) => charge.status === 'succeeded')).toEqual([])
    expect(await refundsOf(intentId)).toEqual([])
  })
})

describe('cancelling a rental while Stripe is unreachable', () => {
  const faults = {
    'answers 500': (intentId: string) =>
      injectFault({
        kind: 'error_500',
        should_retry: false,
        count: settings().STRIPE_MAX_RETRIES + 1,
        method: 'POST',
        path_prefix: `/v1/payment_intents/${intentId}/cancel`,
      }),
    // A hung connection: Stripe carries the cancel out, but its answer never reaches the API.
    hangs: (intentId: string) =>
      injectFault({
        kind: 'hang',
        count: settings().STRIPE_MAX_RETRIES + 1,
        method: 'POST',
        path_prefix: `/v1/payment_intents/${intentId}/cancel`,
        hang_ms: settings().STRIPE_TIMEOUT_MS + 1_000,
      }),
  }

  for (const [name, breakStripe] of Object.entries(faults)) {
    it(`Stripe ${name}: 503, the rental stays pending with no cancellation recorded; the retry cancels it`, async () => {
      const b = await booking()
      const started = await initiate(b)
      const intentId: string = started.body.payment_intent_id
      await breakStripe(intentId)

      expectProblem(await cancel(b), 503, 'stripe_unavailable')

      expect((await getRental(b)).body).toMatchObject({
        status: 'pending',
        cancel_reason: null,
        cancelled_at: null,
      })
      expect((await getPayment(b)).body.status).toBe('pending')
      expect(await movesOf(b.rentalId)).toEqual(['null>pending:'])
      expect(await datesFree(b)).toBe(false)

      await clearFaults()
      const retried = await cancel(b)
      expect(retried.status).toBe(200)
      expect(retried.body).toMatchObject({ status: 'cancelled', cancel_reason: 'cancelled_by_renter' })
      expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('canceled')
      expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'canceled' })
      expect(await movesOf(b.rentalId)).toEqual(['null>pending:', 'pending>cancelled:cancelled_by_renter'])
    }, 60_000)
  }
})

describe('the cron expiring holds reads the PaymentIntent first', () => {
  it('an unpaid hold: the rental is cancelled (hold_expired) and its intent canceled at Stripe', async () => {
    const b = await booking()
    const intentId: string = (await initiate(b)).body.payment_intent_id
    await ageHold(b.rentalId)
    await runCron()
    expect((await getRental(b)).body).toMatchObject({ status: 'cancelled', cancel_reason: 'hold_expired' })
    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('canceled')
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'canceled' })
    expect(await payLate(intentId)).toMatchObject({ code: 'payment_intent_unexpected_state' })
    expect(await chargesOf(intentId)).toEqual([])
    expect(await auditOf(b.rentalId)).toMatchObject([
      { to_status: 'pending' },
      { from_status: 'pending', to_status: 'cancelled', source: 'reconciler', detail: 'hold_expired' },
    ])
  })

  it('a hold paid in the browser as it ran out (no confirm, no webhook): the rental is paid, nothing refunded', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    await ageHold(b.rentalId)
    await runCron()
    expect((await getRental(b)).body).toMatchObject({ status: 'active', cancel_reason: null })
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(await refundsOf(intentId)).toEqual([])
    expect((await chargesOf(intentId))[0]).toMatchObject({ amount_refunded: 0, refunded: false })
    expect(await movesOf(b.rentalId)).toEqual(['null>pending:', 'pending>active:paid'])
    expect(await datesFree(b)).toBe(false)
    // Later runs leave it so.
    await runCron()
    expect((await getRental(b)).body.status).toBe('active')
    expect(await refundsOf(intentId)).toEqual([])
  })

  it('a declined payment whose intent could still be paid: the intent is canceled and the hold expires', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_card_chargeDeclined')
    expectProblem(await confirm(b, intentId), 402, 'payment_failed')
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'generic_decline' })
    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('requires_payment_method')
    await ageHold(b.rentalId)

    await runCron()

    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('canceled')
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'canceled' })
    expect((await getRental(b)).body).toMatchObject({ status: 'cancelled', cancel_reason: 'hold_expired' })
    expect(await payLate(intentId)).toMatchObject({ code: 'payment_intent_unexpected_state' })
    expect((await chargesOf(intentId)).filter((charge) => charge.status === 'succeeded')).toEqual([])
  })
})

describe('booking dates held by an expired hold whose intent can still be paid', () => {
  it('the first renter never paid: the new booking succeeds, the old intent is canceled and its rental expired', async () => {
    const a = await booking()
    const intentId: string = (await initiate(a)).body.payment_intent_id
    await ageHold(a.rentalId)

    const b = await bookSameDates(a, await createUser())
    expect(b.status).toBe(201)
    expect(b.body).toMatchObject({ status: 'pending', start_date: a.startDate, end_date: a.endDate })

    expect((await frontend.paymentIntents.retrieve(intentId)).status).toBe('canceled')
    expect((await getRental(a)).body).toMatchObject({ status: 'cancelled', cancel_reason: 'hold_expired' })
    expect((await getPayment(a)).body).toMatchObject({ status: 'failed', failure_code: 'canceled' })
    expect(await payLate(intentId)).toMatchObject({ code: 'payment_intent_unexpected_state' })
    expect(await chargesOf(intentId)).toEqual([])
    expect(await auditOf(a.rentalId)).toMatchObject([
      { to_status: 'pending' },
      { from_status: 'pending', to_status: 'cancelled', source: 'api', detail: 'hold_expired' },
    ])
  })

  it('the first renter paid in the browser meanwhile: the booking is refused and the first rental is paid', async () => {
    const a = await booking()
    const { intentId } = await initiateAndPay(a)
    await ageHold(a.rentalId)

    const b = await bookSameDates(a, await createUser())
    expectProblem(b, 409, 'listing_unavailable')

    expect((await getRental(a)).body).toMatchObject({ status: 'active', cancel_reason: null })
    expect((await getPayment(a)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(await refundsOf(intentId)).toEqual([])
    expect(await movesOf(a.rentalId)).toEqual(['null>pending:', 'pending>active:paid'])
    const rows = await env.DB.prepare('SELECT COUNT(*) AS n FROM rentals WHERE listing_id = ?')
      .bind(a.listingId)
      .first<{ n: number }>()
    expect(rows!.n).toBe(1)
  })
})
