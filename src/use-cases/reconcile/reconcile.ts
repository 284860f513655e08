import {
  and,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  notExists,
  sql,
  type SQL,
} from 'drizzle-orm'
import type Stripe from 'stripe'
import { runBatchNamed } from '../../adapters/d1/client'
import { payments, payouts, refunds, rentals, stripeEvents } from '../../adapters/d1/schema'
import { releasePayout, settlePayout } from '../payouts/payout-transfers'
import { refreshAccountsWithFailedPayouts } from '../payouts/payout-accounts'
import { applyStripeIntent, cancelAndApplyIntent, refundOrphanedPayment } from '../payments/apply-intent'
import { PAID_STATUSES } from '../../domain/state-machines'
import { transition } from '../../adapters/d1/transitions'
import { IN_FLIGHT_REFUND_STATUSES, resendRefund } from '../payments/refunds'
import { expireRentalHolds } from '../rentals/expire-holds'
import type { Services } from '../context'
import { addMinutes } from '../../lib/time'
import { givenUpEvents } from '../../adapters/d1/event-failures'
import { handleEvent, HANDLED_EVENT_TYPES } from '../stripe-events/handle-event'
import type { Payment } from '../../adapters/d1/schema'
import { emptyDepositReport, sweepDeposits, type DepositReport } from '../deposits/deposit-sweeps'

/** Bounded work per run: the cron fires every few minutes, and each item may cost a Stripe call. */
const BATCH = 50
const MAX_EVENTS = 1_000
const LOOKBACK_MS = 3 * 24 * 3600 * 1000

export interface ReconcileReport {
  payments_checked: number
  payments_changed: number
  holds_expired: number
  intents_canceled: number
  orphans_refunded: number
  refunds_resent: number
  /** Missed events applied this run. */
  events_replayed: number
  /** Missed events whose handling threw this run (each recorded in stripe_event_failures, and in `errors`). */
  events_failed: number
  /** Missed events not tried: given up after MAX_EVENT_ATTEMPTS failed tries (not in `errors`). */
  events_skipped: number
  /** Due payouts sent to their owner's connected account (or found sent) this run. */
  payouts_released: number
  /** Due payouts Stripe refused this run (now failed, retried when the owner's account can receive). */
  payouts_failed: number
  /** Accounts of owners with failed payouts read again from Stripe (those that can receive get them retried). */
  payout_accounts_refreshed: number
  /** Released payouts brought to the owner's share at Stripe (reversed, or given back) this run. */
  payouts_settled: number
  /** Deposits and damage claims (use-cases/deposits/deposit-sweeps.ts). */
  deposits: DepositReport
  /** Items of any sweep that failed this run (failed events included), each logged `reconcile step failed`. */
  errors: number
}

interface Run {
  deps: Services
  now: Date
  /** Older than this, a state is stale: the webhook that should have moved it is not coming. */
  cutoff: string
  report: ReconcileReport
  /** Runs one item's work; a failure is counted and logged, and the run goes on with the next item. */
  attempt: (step: string, id: string, work: () => Promise<void>) => Promise<void>
}

/**
 * What lost webhooks and abandoned holds leave behind, settled in bounded sweeps: payments stuck in
 * pending/processing re-read from Stripe; unpaid holds expired and the PaymentIntents of cancelled rentals
 * canceled; payments completed on a cancelled rental refunded; refunds whose Stripe call never landed
 * re-sent with their original idempotency key; Stripe events that never reached us applied. Then owner
 * payouts: the accounts of owners with failed payouts read again (a lost account.updated), due payouts
 * released, released ones brought to the owner's share. Then security deposits: holds placed and renewed,
 * released, claims accepted and collected (deposit-sweeps.ts).
 */
export async function reconcile(deps: Services): Promise<ReconcileReport> {
  const now = deps.clock()
  const report: ReconcileReport = {
    payments_checked: 0,
    payments_changed: 0,
    holds_expired: 0,
    intents_canceled: 0,
    orphans_refunded: 0,
    refunds_resent: 0,
    events_replayed: 0,
    events_failed: 0,
    events_skipped: 0,
    payouts_released: 0,
    payouts_failed: 0,
    payout_accounts_refreshed: 0,
    payouts_settled: 0,
    deposits: emptyDepositReport(),
    errors: 0,
  }
  const run: Run = {
    deps,
    now,
    cutoff: addMinutes(now.toISOString(), -deps.settings.RECONCILE_AFTER_MINUTES),
    report,
    attempt: async (step, id, work) => {
      try {
        await work()
      } catch (error) {
        report.errors++
        deps.logger.error('reconcile step failed', { step, id, error: String(error) })
      }
    },
  }
  await refreshStalePayments(run)
  await expireHolds(run)
  await refundOrphanedPayments(run)
  await resendUnsentRefunds(run)
  await run.attempt('events', 'recent', () => replayMissedEvents(run))
  await run.attempt('payout_accounts', 'failed', async () => {
    report.payout_accounts_refreshed = await refreshAccountsWithFailedPayouts(deps, now, BATCH, (id, work) =>
      run.attempt('payout_account', id, work),
    )
  })
  await releaseDuePayouts(run)
  await settlePayouts(run)
  await run.attempt('deposits', 'due', async () => {
    report.deposits = await sweepDeposits(deps, { ...run, batch: BATCH })
  })
  deps.logger.info('reconciled', { ...report })
  return report
}

/**
 * Pending/processing payments not moved for a while, least recently reconciled first: reconciled_at rotates
 * them, so a few long-processing payments (bank debits take days) cannot starve the others.
 */
async function refreshStalePayments({ deps, now, cutoff, report, attempt }: Run) {
  const stale = await deps.db
    .select()
    .from(payments)
    .where(
      and(
        inArray(payments.status, ['pending', 'processing']),
        lt(payments.reconciledAt, cutoff),
        lt(payments.updatedAt, cutoff),
        isNotNull(payments.stripePaymentIntentId),
      ),
    )
    .orderBy(payments.reconciledAt)
    .limit(BATCH)
  for (const payment of stale) {
    report.payments_checked++
    await attempt('payment', payment.id, async () => {
      const intent = await deps.stripe.paymentIntents.retrieve(payment.stripePaymentIntentId!)
      const applied = await applyStripeIntent(deps, { payment, intent, source: 'reconciler' })
      if (applied.payment.status !== payment.status) report.payments_changed++
      await deps.db
        .update(payments)
        .set({ reconciledAt: now.toISOString() })
        .where(eq(payments.id, payment.id))
    })
  }
}

/**
 * Unpaid holds expire, each after its PaymentIntent is canceled at Stripe (use-cases/rentals/expire-holds.ts). Then a safety
 * net: a cancelled rental whose payment still has an intent Stripe has not canceled (an initiate that raced
 * the cancel) gets it canceled now.
 */
async function expireHolds({ deps, report, attempt }: Run) {
  await attempt('expire_holds', 'due', async () => {
    report.holds_expired = (await expireRentalHolds(deps)).length
  })
  const payable = await deps.db
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
  for (const payment of payable) {
    await attempt('cancel_intent', payment.id, async () => {
      // Paid after all (it raced the cancel): applied, and refunded because its rental is cancelled.
      const { intent } = await cancelAndApplyIntent(deps, payment, 'reconciler')
      if (intent.status === 'canceled') report.intents_canceled++
    })
  }
}

/**
 * A payment completed on a cancelled rental is refunded at once where it completes; this sweep retries those
 * whose refund could not be made then (Stripe down, the worker stopped) or that Stripe failed afterwards (the
 * card was closed: the rental stays cancelled, the money is owed to the renter). Failed refunds are retried
 * with back-off (BACKOFF_HOURS after the n-th failure since the rental was cancelled, decided in the query so that payments waiting cannot
 * crowd out the others); after ORPHAN_REFUND_ATTEMPTS failures the payment becomes `refund_failed`, for the
 * owner and an admin to settle, and an error is logged. What is owed is rentals.refund_due (all that was paid
 * unless a cancellation under the rental's policy kept part). Recent payments only (a failed refund touches
 * its payment's updated_at): the index on (status, updated_at) keeps the read proportional to recent activity.
 */
async function refundOrphanedPayments({ deps, now, report, attempt }: Run) {
  const since = new Date(now.getTime() - LOOKBACK_MS).toISOString()
  const failedRefunds = (column: 'count' | 'last') =>
    sql<number | string | null>`(SELECT ${column === 'count' ? sql`COUNT(*)` : sql`MAX(${refunds.updatedAt})`}
      FROM ${refunds} WHERE ${refunds.paymentId} = ${payments.id} AND ${refunds.status} = 'failed'
        AND ${refunds.updatedAt} >= COALESCE(${rentals.cancelledAt}, ''))`
  const orphans = await deps.db
    .select({
      payment: getTableColumns(payments),
      failures: failedRefunds('count'),
    })
    .from(payments)
    .innerJoin(rentals, eq(rentals.id, payments.rentalId))
    .where(
      and(
        inArray(payments.status, PAID_STATUSES),
        gt(payments.updatedAt, since),
        eq(rentals.status, 'cancelled'),
        // Owed: all that was paid, unless a cancellation under the rental's policy kept part of it.
        sql`${payments.amountRefunded} < COALESCE(${rentals.refundDue}, ${payments.amount})`,
        // Due: never tried, given up (to be flagged), or its back-off since the last failure has passed.
        sql`(${failedRefunds('count')} = 0 OR ${failedRefunds('count')} >= ${ORPHAN_REFUND_ATTEMPTS}
          OR julianday(${failedRefunds('last')}) + ${backoffHoursSql(failedRefunds('count'))} / 24.0
            <= julianday(${now.toISOString()}))`,
        // Not while a refund is on its way: its outcome settles the payment (or the unsent-refund sweep re-sends it).
        notExists(
          deps.db
            .select({ id: refunds.id })
            .from(refunds)
            .where(
              and(eq(refunds.paymentId, payments.id), inArray(refunds.status, IN_FLIGHT_REFUND_STATUSES)),
            ),
        ),
      ),
    )
    .limit(BATCH)
  for (const { payment, failures } of orphans) {
    const tries = Number(failures)
    if (tries >= ORPHAN_REFUND_ATTEMPTS) {
      await attempt('refund_failed', payment.id, () => flagRefundFailed(deps, payment, tries, now))
      continue
    }
    await attempt('orphan', payment.id, async () => {
      if (await refundOrphanedPayment(deps, payment, 'reconciler')) report.orphans_refunded++
    })
  }
}

/** Failed refunds of a cancelled rental's payment before it is flagged refund_failed (the first included). */
export const ORPHAN_REFUND_ATTEMPTS = 4
/** Hours to wait after the n-th failure before the next try (within the day; the sweep looks back 3 days). */
const BACKOFF_HOURS = [1, 4, 16] as const
export const backoffMs = (failures: number) =>
  BACKOFF_HOURS[Math.min(Math.max(failures, 1), BACKOFF_HOURS.length) - 1]! * 3_600_000
const backoffHoursSql = (failures: SQL) =>
  sql`(CASE ${failures} ${sql.raw(BACKOFF_HOURS.map((hours, n) => `WHEN ${n + 1} THEN ${hours}`).join(' '))} ELSE ${BACKOFF_HOURS.at(-1)!} END)`

async function flagRefundFailed(deps: Services, payment: Payment, failures: number, now: Date) {
  const at = now.toISOString()
  const [audit, flag] = transition(deps.db, 'payment', {
    where: sql`id = ${payment.id}`,
    on: 'give_up',
    to: 'refund_failed',
    source: 'reconciler',
    now: at,
    detail: `refund of a cancelled rental failed ${failures} times`,
  })
  const { update } = await runBatchNamed(deps.db, [audit], { update: flag })
  if (update.meta.changes !== 1) return
  deps.logger.error('refund of a cancelled rental keeps failing; the payment is now refund_failed', {
    payment_id: payment.id,
    rental_id: payment.rentalId,
    failures,
  })
}

async function resendUnsentRefunds({ deps, cutoff, report, attempt }: Run) {
  const unsent = await deps.db
    .select({ refund: getTableColumns(refunds), payment: getTableColumns(payments) })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(and(eq(refunds.status, 'pending'), isNull(refunds.stripeRefundId), lt(refunds.updatedAt, cutoff)))
    .limit(BATCH)
  for (const { refund, payment } of unsent) {
    await attempt('refund', refund.id, async () => {
      await resendRefund(deps.db, deps.stripe, payment, refund, { actorId: null, source: 'reconciler' })
      report.refunds_resent++
    })
  }
}

/**
 * Payouts due by now (scheduled_for, from PAYOUT_RELEASE_AT and PAYOUT_DELAY_DAYS), oldest due first: each
 * released as a Stripe Transfer (use-cases/payouts/payout-transfers.ts). Two runs at once send one transfer:
 * both use the payout's idempotency key, and only one moves it to released.
 */
async function releaseDuePayouts({ deps, now, report, attempt }: Run) {
  const due = await deps.db
    .select()
    .from(payouts)
    .where(and(eq(payouts.status, 'scheduled'), lte(payouts.scheduledFor, now.toISOString())))
    .orderBy(payouts.scheduledFor)
    .limit(BATCH)
  for (const payout of due) {
    await attempt('payout_release', payout.id, async () => {
      if ((await releasePayout(deps, payout)) === 'released') report.payouts_released++
      else report.payouts_failed++
    })
  }
}

/**
 * Released payouts whose owner keeps more or less at Stripe than they are owed (a refund or a dispute that
 * could not be settled at once, a reversal the owner's balance could not cover yet), least recently tried
 * first: the partial index payouts_unsettled_idx holds only these.
 */
async function settlePayouts({ deps, now, report, attempt }: Run) {
  const unsettled = await deps.db
    .select({ id: payouts.id })
    .from(payouts)
    .where(sql`released_at IS NOT NULL AND amount - amount_reversed <> owed`)
    .orderBy(payouts.settledAt)
    .limit(BATCH)
  for (const { id } of unsettled) {
    await attempt('payout_settle', id, async () => {
      if ((await settlePayout(deps, id, 'reconciler', now)) === 'settled') report.payouts_settled++
    })
  }
}

/**
 * Events of the last days that we never recorded (a delivery that was lost or never retried), oldest first as
 * Stripe would have sent them. Events younger than the staleness cutoff are left to the webhook, which may
 * still be on its way. Each event is applied on its own: one that throws (recorded with its attempts by
 * handleEvent) is counted and logged, and the run goes on with the next; once it has failed
 * MAX_EVENT_ATTEMPTS times it is skipped, with no more Stripe calls.
 */
async function replayMissedEvents({ deps, now, cutoff, report }: Run): Promise<void> {
  const events: Stripe.Event[] = []
  await deps.stripe.events
    .list({
      types: [...HANDLED_EVENT_TYPES],
      created: {
        gte: Math.floor((now.getTime() - LOOKBACK_MS) / 1000),
        lte: Math.floor(Date.parse(cutoff) / 1000),
      },
      limit: 100,
    })
    .autoPagingEach((event) => {
      events.push(event)
      return events.length < MAX_EVENTS
    })
  events.reverse()
  for (let start = 0; start < events.length; start += 100) {
    const page = events.slice(start, start + 100)
    const ids = page.map((event) => event.id)
    const known = new Set(
      (
        await deps.db.select({ id: stripeEvents.id }).from(stripeEvents).where(inArray(stripeEvents.id, ids))
      ).map((row) => row.id),
    )
    const missed = page.filter((candidate) => !known.has(candidate.id))
    const givenUp = await givenUpEvents(
      deps.db,
      missed.map((event) => event.id),
    )
    for (const event of missed) {
      const fields = { event_id: event.id, event_type: event.type }
      if (givenUp.has(event.id)) {
        report.events_skipped++
        continue
      }
      deps.logger.warn('stripe event was never delivered; applying it now', fields)
      try {
        await handleEvent(deps, event)
        report.events_replayed++
      } catch (error) {
        report.events_failed++
        report.errors++
        deps.logger.error('reconcile step failed', {
          step: 'event',
          id: event.id,
          ...fields,
          error: String(error),
        })
      }
    }
  }
}
