import { and, eq, getTableColumns, inArray, isNotNull, isNull, lt } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../db/client'
import { payments, refunds, rentals, stripeEvents } from '../db/schema'
import type { Logger } from '../lib/logger'
import { applyIntent, type Payment } from './payment-intents'
import { settleCompletedPayment } from './payments'
import { createRefund } from './refunds'
import { expireRentalHolds } from './rentals'
import { handleEvent, HANDLED_EVENT_TYPES } from './webhooks'

/** Bounded work per run: the cron fires every few minutes, and each item may cost a Stripe call. */
const BATCH = 50
const EVENT_LOOKBACK_SECONDS = 3 * 24 * 3600

export interface ReconcileDeps {
  db: Database
  stripe: Stripe
  logger: Logger
  webhookSecret: string
  staleAfterMinutes: number
}

export interface ReconcileReport {
  payments_checked: number
  payments_changed: number
  holds_expired: number
  intents_canceled: number
  refunds_resent: number
  events_replayed: number
  errors: number
}

/**
 * What a lost webhook would have done: payments stuck in pending/processing are read from Stripe and moved;
 * unpaid holds expire, and the PaymentIntents of cancelled rentals are canceled; refunds whose Stripe call never landed are
 * re-sent with their original idempotency key; recent Stripe events that never reached us are applied.
 */
export async function reconcile(deps: ReconcileDeps, now = new Date()): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    payments_checked: 0,
    payments_changed: 0,
    holds_expired: 0,
    intents_canceled: 0,
    refunds_resent: 0,
    events_replayed: 0,
    errors: 0,
  }
  const cutoff = new Date(now.getTime() - deps.staleAfterMinutes * 60_000).toISOString()
  const attempt = async (what: string, id: string, work: () => Promise<void>) => {
    try {
      await work()
    } catch (error) {
      report.errors++
      deps.logger.error('reconcile step failed', { step: what, id, error: String(error) })
    }
  }

  for (const payment of await stalePayments(deps.db, cutoff)) {
    report.payments_checked++
    await attempt('payment', payment.id, async () => {
      if (await refreshFromStripe(deps, payment)) report.payments_changed++
    })
  }

  report.holds_expired = (await expireRentalHolds(deps.db, now)).length
  for (const payment of await payableIntentsOfCancelledRentals(deps.db)) {
    await attempt('cancel_intent', payment.id, async () => {
      const intent = await deps.stripe.paymentIntents.cancel(
        payment.stripePaymentIntentId!,
        { cancellation_reason: 'abandoned' },
        { idempotencyKey: `backline:cancel:${payment.stripePaymentIntentId}` },
      )
      await applyIntent(deps.db, { payment, intent, source: 'reconciler' })
      report.intents_canceled++
    })
  }

  for (const unsent of await unsentRefunds(deps.db, cutoff)) {
    await attempt('refund', unsent.id, async () => {
      const payment = await deps.db.query.payments.findFirst({ where: eq(payments.id, unsent.paymentId) })
      if (!payment) return
      await createRefund(deps.db, deps.stripe, payment, { amount: unsent.amount }, null)
      report.refunds_resent++
    })
  }

  await attempt('events', 'recent', async () => {
    report.events_replayed = await replayMissedEvents(deps, now, cutoff)
  })
  deps.logger.info('reconciled', { ...report })
  return report
}

const stalePayments = (db: Database, cutoff: string) =>
  db
    .select()
    .from(payments)
    .where(
      and(
        inArray(payments.status, ['pending', 'processing']),
        lt(payments.updatedAt, cutoff),
        isNotNull(payments.stripePaymentIntentId),
      ),
    )
    .orderBy(payments.updatedAt)
    .limit(BATCH)

async function refreshFromStripe(deps: ReconcileDeps, payment: Payment): Promise<boolean> {
  const intent = await deps.stripe.paymentIntents.retrieve(payment.stripePaymentIntentId!)
  const applied = await applyIntent(deps.db, { payment, intent, source: 'reconciler' })
  const settled = await settleCompletedPayment(deps, applied, 'reconciler')
  return (settled ?? applied.payment).status !== payment.status
}

/** A cancelled rental (expired hold, or cancelled by a party) must not leave a payable PaymentIntent behind. */
const payableIntentsOfCancelledRentals = (db: Database) =>
  db
    .select(getTableColumns(payments))
    .from(payments)
    .innerJoin(rentals, eq(rentals.id, payments.rentalId))
    .where(
      and(
        eq(payments.status, 'pending'),
        eq(rentals.status, 'cancelled'),
        isNotNull(payments.stripePaymentIntentId),
      ),
    )
    .limit(BATCH)

const unsentRefunds = (db: Database, cutoff: string) =>
  db
    .select()
    .from(refunds)
    .where(and(eq(refunds.status, 'pending'), isNull(refunds.stripeRefundId), lt(refunds.updatedAt, cutoff)))
    .limit(BATCH)

/**
 * Events of the last days that we never recorded (a delivery that was lost or never retried). Events younger
 * than the staleness cutoff are left to the webhook, which may still be on its way.
 */
async function replayMissedEvents(deps: ReconcileDeps, now: Date, cutoff: string): Promise<number> {
  const since = Math.floor(now.getTime() / 1000) - EVENT_LOOKBACK_SECONDS
  const until = Math.floor(Date.parse(cutoff) / 1000)
  const list = await deps.stripe.events.list({
    types: [...HANDLED_EVENT_TYPES],
    created: { gte: since, lte: until },
    limit: 100,
  })
  if (list.data.length === 0) return 0
  const ids = list.data.map((event) => event.id)
  const known = new Set(
    (
      await deps.db.select({ id: stripeEvents.id }).from(stripeEvents).where(inArray(stripeEvents.id, ids))
    ).map((row) => row.id),
  )
  // Oldest first, as Stripe would have sent them.
  const missed = list.data.filter((event) => !known.has(event.id)).reverse()
  for (const event of missed) {
    deps.logger.warn('stripe event was never delivered; applying it now', {
      event_id: event.id,
      event_type: event.type,
    })
    await handleEvent(deps, event)
  }
  return missed.length
}
