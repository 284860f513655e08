import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { backoffMs, ORPHAN_REFUND_ATTEMPTS } from '../../../src/use-cases/reconcile/reconcile'
import { reconcileAt } from '../../helpers/cron'
import { api } from '../../helpers/api'
import {
  auditOf,
  deliverAbout,
  frontend,
  getPayment,
  getRental,
  paidWith,
  paidBooking,
  type Booking,
  ownerRefund as refund,
} from '../../helpers/payments'

/*
 * A cancelled rental's payment whose refund Stripe keeps failing (pm_card_refundFail: each refund is answered
 * `succeeded`, then fails). The reconciler retries it with back-off, measured from the last failed refund's
 * updated_at (real time) to the run's `now`, then flags the payment `refund_failed` for the owner and an
 * admin to settle, and stops sending refunds.
 */

type Paid = Booking & { intentId: string; paymentId: string }

const MINUTE = 60_000

const stripeRefunds = async (b: Paid) =>
  (await frontend.refunds.list({ payment_intent: b.intentId, limit: 100 })).data

const paymentOf = async (b: Paid) => (await getPayment(b, b.owner.token)).body

/** The payment's audit rows into refund_failed. */
const flags = async (b: Paid) =>
  (await auditOf(b.paymentId)).filter((row) => row.to_status === 'refund_failed')

const listedAs = async (b: Paid, status: string) =>
  (
    (await api('GET', `/api/payments?role=owner&status=${status}`, { token: b.owner.token })).body.data as {
      id: string
    }[]
  ).map((payment) => payment.id)

describe('the refund of a cancelled rental that Stripe keeps failing', () => {
  it('is retried with back-off, then flagged refund_failed once, and no longer sent', async () => {
    const b = await paidWith('pm_card_refundFail')

    // The owner refunds in full: Stripe answers succeeded, the rental is cancelled.
    const answered = await refund(b, {})
    expect(answered.status).toBe(200)
    expect(answered.body.refund).toMatchObject({ amount: b.amount, status: 'succeeded' })
    expect(answered.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect((await getRental(b)).body).toMatchObject({ status: 'cancelled', cancel_reason: 'refunded' })

    // Then the refund fails at Stripe: the money is back on the payment, the rental stays cancelled.
    await deliverAbout(b.intentId)
    expect(await paymentOf(b)).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect((await paymentOf(b)).refunds).toMatchObject([{ status: 'failed' }])
    expect((await getRental(b)).body.status).toBe('cancelled')
    let failedAt = Date.now()

    // Right after the first failure nothing is re-sent: the back-off is 1 hour.
    const first = await reconcileAt(failedAt)
    expect(first.report.orphans_refunded).toBe(0)
    expect(await stripeRefunds(b)).toHaveLength(1)

    for (let failures = 1; failures < ORPHAN_REFUND_ATTEMPTS; failures++) {
      // Just before the back-off after the n-th failure is over: nothing sent.
      const early = await reconcileAt(failedAt + backoffMs(failures) - MINUTE)
      expect(early.report.orphans_refunded).toBe(0)
      expect(await stripeRefunds(b)).toHaveLength(failures)
      // Just after it: one new refund of the whole amount, which Stripe answers succeeded…
      const due = await reconcileAt(failedAt + backoffMs(failures) + MINUTE)
      expect(due.report.orphans_refunded).toBe(1)
      const sent = await stripeRefunds(b)
      expect(sent).toHaveLength(failures + 1)
      expect(sent[0]).toMatchObject({ amount: b.amount, metadata: { payment_id: b.paymentId } })
      // The cron's refund is audited from its creation, as the cron's, with no one asking.
      const created = (await auditOf(sent[0]!.metadata!.refund_id!)).find(
        (entry) => entry.from_status === null,
      )
      expect(created).toMatchObject({
        to_status: 'pending',
        source: 'reconciler',
        detail: 'owed to the renter of a cancelled rental',
      })
      // …and that fails too.
      await deliverAbout(b.intentId)
      failedAt = Date.now()
      const payment = await paymentOf(b)
      expect(payment).toMatchObject({ status: 'completed', amount_refunded: 0 })
      expect(payment.refunds).toHaveLength(failures + 1)
      expect(payment.refunds.every((row: { status: string }) => row.status === 'failed')).toBe(true)
      expect((await getRental(b)).body.status).toBe('cancelled')
      expect(await flags(b)).toEqual([])
    }

    // ORPHAN_REFUND_ATTEMPTS failures: the next run flags the payment, whatever the time, and sends nothing.
    const flagging = await reconcileAt(failedAt + MINUTE)
    expect(flagging.report.orphans_refunded).toBe(0)
    expect(await paymentOf(b)).toMatchObject({ status: 'refund_failed', amount_refunded: 0 })
    expect(await flags(b)).toEqual([
      {
        from_status: 'completed',
        to_status: 'refund_failed',
        source: 'reconciler',
        detail: `refund of a cancelled rental failed ${ORPHAN_REFUND_ATTEMPTS} times`,
      },
    ])
    expect(flagging.errors.filter((line) => line.fields?.payment_id === b.paymentId)).toHaveLength(1)
    expect(await stripeRefunds(b)).toHaveLength(ORPHAN_REFUND_ATTEMPTS)

    // Later runs, even long after every back-off, send nothing more and flag nothing again.
    for (const later of [failedAt + backoffMs(ORPHAN_REFUND_ATTEMPTS) + MINUTE, failedAt + 2 * 86_400_000]) {
      const run = await reconcileAt(later)
      expect(run.report.orphans_refunded).toBe(0)
      expect(run.errors.filter((line) => line.fields?.payment_id === b.paymentId)).toEqual([])
    }
    expect(await stripeRefunds(b)).toHaveLength(ORPHAN_REFUND_ATTEMPTS)
    expect(await paymentOf(b)).toMatchObject({ status: 'refund_failed', amount_refunded: 0 })
    expect(await flags(b)).toHaveLength(1)
    expect((await getRental(b)).body.status).toBe('cancelled')

    // The owner finds it among their payments to settle…
    expect(await listedAs(b, 'refund_failed')).toEqual([b.paymentId])
    expect(await listedAs(b, 'completed')).not.toContain(b.paymentId)

    // …and refunds it by hand. With the same card Stripe answers succeeded, then fails again.
    const manual = await refund(b, {})
    expect(manual.status).toBe(200)
    expect(manual.body.refund).toMatchObject({ amount: b.amount, status: 'succeeded' })
    expect(manual.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    await deliverAbout(b.intentId)
    expect(await stripeRefunds(b)).toHaveLength(ORPHAN_REFUND_ATTEMPTS + 1)
    const afterManual = await paymentOf(b)
    expect(afterManual.amount_refunded).toBe(0)
    expect(afterManual.refunds.every((row: { status: string }) => row.status === 'failed')).toBe(true)
    expect(afterManual.status).not.toBe('refunded')
    expect((await getRental(b)).body.status).toBe('cancelled')
    // Whatever the webhooks left, the next run has it refund_failed again, and sends no refund itself.
    const after = await reconcileAt(Date.now() + MINUTE)
    expect(after.report.orphans_refunded).toBe(0)
    expect(await paymentOf(b)).toMatchObject({ status: 'refund_failed', amount_refunded: 0 })
    expect(await stripeRefunds(b)).toHaveLength(ORPHAN_REFUND_ATTEMPTS + 1)
    expect(await listedAs(b, 'refund_failed')).toEqual([b.paymentId])
  }, 120_000)

  it('a refund_failed payment becomes refunded when a later refund succeeds', async () => {
    const b = await paidBooking()
    await deliverAbout(b.intentId)
    // Fixture: the state the reconciler leaves after ORPHAN_REFUND_ATTEMPTS failed refunds of a cancelled
    // rental, written straight to D1 (a card that refuses refunds cannot later accept one in the emulator).
    await env.DB.prepare(
      "UPDATE rentals SET status = 'cancelled', cancel_reason = 'hold_expired', cancelled_at = ? WHERE id = ?",
    )
      .bind(new Date().toISOString(), b.rentalId)
      .run()
    await env.DB.prepare("UPDATE payments SET status = 'refund_failed' WHERE id = ?").bind(b.paymentId).run()
    expect(await listedAs(b, 'refund_failed')).toEqual([b.paymentId])

    const answered = await refund(b, {})
    expect(answered.status).toBe(200)
    expect(answered.body.refund).toMatchObject({ amount: b.amount, status: 'succeeded' })
    expect(answered.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    await deliverAbout(b.intentId)

    expect(await paymentOf(b)).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect((await getRental(b)).body.status).toBe('cancelled')
    const [charge] = (await frontend.charges.list({ payment_intent: b.intentId })).data
    expect(charge).toMatchObject({ amount_refunded: b.amount, refunded: true })
    expect(await stripeRefunds(b)).toHaveLength(1)
    expect((await auditOf(b.paymentId)).map((row) => `${row.from_status}>${row.to_status}`)).toContain(
      'refund_failed>refunded',
    )
    expect(await listedAs(b, 'refund_failed')).toEqual([])
    expect(await listedAs(b, 'refunded')).toEqual([b.paymentId])
    // Nothing left for the reconciler to do.
    const run = await reconcileAt(Date.now() + 2 * 3_600_000)
    expect(run.report.orphans_refunded).toBe(0)
    expect(await stripeRefunds(b)).toHaveLength(1)
  }, 120_000)
})
