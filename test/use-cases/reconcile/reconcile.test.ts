import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { createDb } from '../../../src/adapters/d1/client'
import { refundOrphanedPayment } from '../../../src/use-cases/payments/apply-intent'
import { MAX_EVENT_ATTEMPTS } from '../../../src/adapters/d1/event-failures'
import { reconcile } from '../../../src/use-cases/reconcile/reconcile'
import { api } from '../../helpers/api'
import { services } from '../../helpers/factories'
import {
  booking,
  confirm,
  frontend,
  getPayment,
  getRental,
  initiate,
  initiateAndPay,
  paidBooking,
  postWebhook,
  webhooksAbout,
} from '../../helpers/payments'
import { reconcileAt, runCron } from '../../helpers/cron'
import { clearFaults, injectFault, stripeEmulator } from '../../helpers/stripe-emulator'

const HOUR_AGO = () => new Date(Date.now() - 3_600_000).toISOString()

const age = (table: 'payments' | 'refunds', id: string) =>
  env.DB.prepare(`UPDATE ${table} SET updated_at = ? WHERE id = ?`).bind(HOUR_AGO(), id).run()

afterEach(() => clearFaults())

describe('the reconciliation cron', () => {
  it('completes a payment whose webhook was lost and that was never confirmed', async () => {
    const b = await booking()
    const { paymentId } = await initiateAndPay(b)
    await age('payments', paymentId)
    // No webhook is delivered and the client never calls confirm.
    await runCron()
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed' })
    expect((await getRental(b)).body.status).toBe('active')
  })

  it('records a declined payment as failed', async () => {
    const b = await booking()
    const { paymentId } = await initiateAndPay(b, 'pm_card_chargeDeclined')
    await age('payments', paymentId)
    await runCron()
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'generic_decline' })
    expect((await getRental(b)).body.status).toBe('pending')
  })

  it('leaves recent pending payments alone', async () => {
    const b = await booking()
    await initiateAndPay(b)
    await runCron()
    expect((await getPayment(b)).body.status).toBe('pending')
  })

  it('expires an unpaid hold and cancels its PaymentIntent so it can no longer be paid', async () => {
    const b = await booking()
    const started = await initiate(b)
    await env.DB.prepare('UPDATE rentals SET hold_expires_at = ? WHERE id = ?')
      .bind(HOUR_AGO(), b.rentalId)
      .run()
    await runCron()
    expect((await getRental(b)).body).toMatchObject({ status: 'cancelled', cancel_reason: 'hold_expired' })
    const intent = await frontend.paymentIntents.retrieve(started.body.payment_intent_id)
    expect(intent.status).toBe('canceled')
    expect((await getPayment(b)).body).toMatchObject({ status: 'failed', failure_code: 'canceled' })
  })

  it('refunds at once a payment that succeeded after its rental was cancelled', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    // The hold expired and the rental was cancelled before Backline heard of the payment.
    await env.DB.prepare(
      "UPDATE rentals SET status = 'cancelled', cancel_reason = 'hold_expired', cancelled_at = ? WHERE id = ?",
    )
      .bind(HOUR_AGO(), b.rentalId)
      .run()
    const confirmed = await confirm(b, intentId)
    expect(confirmed.status).toBe(200)
    expect(confirmed.body).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    const charges = await frontend.charges.list({ payment_intent: intentId })
    expect(charges.data[0]).toMatchObject({ amount_refunded: b.amount, refunded: true })
  })

  it('re-sends a refund whose Stripe call never landed, exactly once', async () => {
    const b = await paidBooking()
    // Every attempt of the SDK (first try and its retries) fails: the API answers 503 and keeps the reservation.
    await injectFault({ kind: 'error_500', count: 10, method: 'POST', path_prefix: '/v1/refunds' })
    const failed = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: b.owner.token,
      body: {},
    })
    expect(failed.status).toBe(503)
    await clearFaults()
    const [reservation] = (
      await env.DB.prepare('SELECT id FROM refunds WHERE payment_id = ?')
        .bind(b.paymentId)
        .all<{ id: string }>()
    ).results
    await age('refunds', reservation!.id)
    await runCron()
    expect((await getPayment(b)).body).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    const refunds = await frontend.refunds.list({ payment_intent: b.intentId })
    expect(refunds.data).toHaveLength(1)
  })

  it('applies Stripe events that never reached the webhook endpoint (a refund made in the dashboard)', async () => {
    const b = await paidBooking()
    await frontend.refunds.create({ payment_intent: b.intentId, amount: 1_000 })
    // Right away the webhook may still be on its way: the cron leaves the event to it.
    await runCron()
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    const later = Date.now() + 3_600_000
    await runCron(later)
    expect((await getPayment(b)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })
    // A second run finds nothing new to apply.
    await runCron(later)
    expect((await getPayment(b)).body.amount_refunded).toBe(1_000)
  })
})

describe('the reconciliation cron, sweeps', () => {
  it('refunds a payment left completed on a cancelled rental (its immediate refund never happened)', async () => {
    const b = await paidBooking()
    await env.DB.prepare(
      "UPDATE rentals SET status = 'cancelled', cancel_reason = 'hold_expired' WHERE id = ?",
    )
      .bind(b.rentalId)
      .run()
    await runCron()
    expect((await getPayment(b)).body).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    await runCron()
    expect((await frontend.refunds.list({ payment_intent: b.intentId })).data).toHaveLength(1)
  })

  it('leaves an orphan alone while a refund of the rest is on its way (Stripe answered pending)', async () => {
    const b = await paidBooking()
    await env.DB.prepare(
      "UPDATE rentals SET status = 'cancelled', cancel_reason = 'hold_expired' WHERE id = ?",
    )
      .bind(b.rentalId)
      .run()
    const now = new Date().toISOString()
    await env.DB.prepare(
      `INSERT INTO refunds (id, payment_id, stripe_refund_id, amount, currency, status, created_at, updated_at)
       VALUES ('ref_inflight', ?, 're_inflight', ?, 'usd', 'pending', ?, ?)`,
    )
      .bind(b.paymentId, b.amount, now, now)
      .run()
    const report = await reconcile(services())
    expect(report).toMatchObject({ orphans_refunded: 0, errors: 0 })
    expect((await frontend.refunds.list({ payment_intent: b.intentId })).data).toHaveLength(0)
    // The same payment reached by a late webhook: nothing to send, no error.
    const payment = (await createDb(env.DB).query.payments.findFirst({
      where: (table, { eq }) => eq(table.id, b.paymentId),
    }))!
    expect(await refundOrphanedPayment(services(), payment, 'webhook')).toBeUndefined()
    expect((await getPayment(b)).body.status).toBe('completed')
    expect((await frontend.refunds.list({ payment_intent: b.intentId })).data).toHaveLength(0)
  })

  it('rotates stale payments: one re-read from Stripe is not repeated until it is stale again', async () => {
    const b = await booking()
    const { paymentId } = await initiateAndPay(b, 'pm_emulator_processing')
    await confirm(b, (await getPayment(b)).body.stripe_payment_intent_id)
    await age('payments', paymentId)
    const reconciledAt = async () =>
      (await env.DB.prepare('SELECT reconciled_at FROM payments WHERE id = ?')
        .bind(paymentId)
        .first<{ reconciled_at: string }>())!.reconciled_at
    expect(await reconciledAt()).toBe('')
    await runCron()
    const first = await reconciledAt()
    expect(first).not.toBe('')
    await runCron()
    expect(await reconciledAt()).toBe(first)
    expect((await getPayment(b)).body.status).toBe('processing')
  })
})

describe('the reconciliation cron, a poison event', () => {
  const failureOf = (eventId: string) =>
    env.DB.prepare(
      'SELECT type, attempts, last_error, first_failed_at, last_failed_at FROM stripe_event_failures WHERE event_id = ?',
    )
      .bind(eventId)
      .first<{
        type: string
        attempts: number
        last_error: string
        first_failed_at: string
        last_failed_at: string
      }>()

  /** How many more requests the emulator fault will fail: each Stripe call that matches it takes one. */
  const faultRemaining = async (id: number) => {
    const response = await stripeEmulator.fetch('https://stripe-emulator/_emulator/faults')
    const { data } = (await response.json()) as { data: { id: number; remaining: number }[] }
    return data.find((fault) => fault.id === id)?.remaining
  }

  /** A dashboard refund of a fresh paid booking, and the id of its refund.created event. */
  async function dashboardRefund(amount: number) {
    const b = await paidBooking()
    const refund = await frontend.refunds.create({ payment_intent: b.intentId, amount })
    const events = await frontend.events.list({ type: 'refund.created', limit: 100 })
    const event = events.data.find((candidate) => (candidate.data.object as { id: string }).id === refund.id)
    return { b, refund, eventId: event!.id }
  }

  /** Every re-read of one refund answers 500, without Stripe-Should-Retry: exactly one request per try. */
  const breakRefund = (refundId: string) =>
    injectFault({
      kind: 'error_500',
      method: 'GET',
      path_prefix: `/v1/refunds/${refundId}`,
      count: 1_000,
      should_retry: false,
    })

  it('a failing event does not stop the later ones; it is counted across runs and given up after MAX_EVENT_ATTEMPTS', async () => {
    const poisoned = await dashboardRefund(1_000)
    const later = await dashboardRefund(700)
    const fault = await breakRefund(poisoned.refund.id)
    const time = Date.now() + 3_600_000

    const first = await reconcileAt(time)
    // The later payment's events come after the poison one, and were applied in the same run.
    expect((await getPayment(later.b)).body).toMatchObject({
      status: 'partially_refunded',
      amount_refunded: 700,
    })
    expect(first.report.events_failed).toBeGreaterThanOrEqual(1)
    expect(first.report.events_replayed).toBeGreaterThanOrEqual(2)
    expect(first.report.errors).toBeGreaterThanOrEqual(first.report.events_failed)
    const row = await failureOf(poisoned.eventId)
    expect(row).toMatchObject({ type: 'refund.created', attempts: 1 })
    expect(row!.last_error).toMatch(/Stripe could not be reached/)
    expect(row!.first_failed_at).toBe(row!.last_failed_at)
    expect(await faultRemaining(fault.id)).toBe(999)

    for (let run = 2; run <= MAX_EVENT_ATTEMPTS; run++) {
      const { report, errors } = await reconcileAt(time)
      expect(await failureOf(poisoned.eventId)).toMatchObject({ attempts: run })
      expect(await faultRemaining(fault.id)).toBe(1_000 - run)
      expect(report.events_failed).toBeGreaterThanOrEqual(1)
      const givenUp = errors.filter((line) => line.fields?.event_id === poisoned.eventId)
      expect(givenUp.some((line) => /given up/.test(line.message))).toBe(run === MAX_EVENT_ATTEMPTS)
    }
    const attempted = (await failureOf(poisoned.eventId))!
    expect(attempted.last_failed_at >= attempted.first_failed_at).toBe(true)

    // Given up: skipped, with no Stripe call for it, and no longer an error of each run.
    const skipped = await reconcileAt(time)
    expect(skipped.report.events_skipped).toBeGreaterThanOrEqual(1)
    expect(skipped.report.events_failed).toBe(0)
    expect(skipped.errors.filter((line) => line.fields?.event_id === poisoned.eventId)).toEqual([])
    expect(await faultRemaining(fault.id)).toBe(1_000 - MAX_EVENT_ATTEMPTS)
    expect(await failureOf(poisoned.eventId)).toMatchObject({ attempts: MAX_EVENT_ATTEMPTS })
    // The cron itself (the scheduled handler) skips it too.
    await runCron(time)
    expect(await faultRemaining(fault.id)).toBe(1_000 - MAX_EVENT_ATTEMPTS)
  })

  it('a webhook whose handling throws is recorded too, and the same row counts on', async () => {
    const { b, refund, eventId } = await dashboardRefund(500)
    await breakRefund(refund.id)
    const [delivery] = await webhooksAbout(refund.id, 'refund.created')
    for (const attempts of [1, 2]) {
      const response = await postWebhook(delivery!.payload, delivery!.signature)
      expect(response.status).toBe(503)
      expect(await failureOf(eventId)).toMatchObject({ type: 'refund.created', attempts })
    }
    // Stripe fixed: the next delivery is applied once; the row stays as the event's failure history.
    await clearFaults()
    const applied = await postWebhook(delivery!.payload, delivery!.signature)
    expect(applied.status).toBe(200)
    expect(await applied.json()).toMatchObject({ outcome: 'applied' })
    expect((await getPayment(b)).body).toMatchObject({ amount_refunded: 500 })
    const again = await postWebhook(delivery!.payload, delivery!.signature)
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' })
    expect(await failureOf(eventId)).toMatchObject({ attempts: 2 })
  })
})
