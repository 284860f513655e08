import { sql } from 'drizzle-orm'
import { prepare, runBatchNamed } from '../adapters/d1/client'
import { paymentStatuses } from '../adapters/d1/schema'
import { authorizeAdmin, type Actor } from '../domain/access'
import { validateAvailabilityWindow } from '../domain/rental-dates'
import type { Services } from './context'
import { addMinutes } from '../lib/time'

interface MonthRow {
  month: string
  currency: string
  payments: number
  paid: number
  gross_volume: number
  platform_fees: number
  refunded: number
  disputed: number
  failed_first_attempt: number
}

const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000)

/**
 * The platform's figures for [from, to), per booking month and currency: gross volume, platform fees, and the
 * refund, dispute and payment failure rates. One range of payments_status_created_idx per status.
 */
export async function adminStats({ db }: Services, admin: Actor, from: string, to: string) {
  authorizeAdmin(admin)
  validateAvailabilityWindow(from, to)
  const read = await runBatchNamed(db, [], {
    months: prepare(
      db,
      sql`SELECT substr(created_at, 1, 7) AS month, currency, COUNT(*) AS payments,
        SUM(completed_at IS NOT NULL) AS paid,
        SUM(CASE WHEN completed_at IS NOT NULL THEN amount ELSE 0 END) AS gross_volume,
        SUM(CASE WHEN completed_at IS NOT NULL THEN platform_fee ELSE 0 END) AS platform_fees,
        SUM(amount_refunded) AS refunded, SUM(status = 'disputed') AS disputed,
        SUM(attempt > 1 OR status = 'failed') AS failed_first_attempt
      FROM payments WHERE status IN ${paymentStatuses} AND created_at >= ${from} AND created_at < ${to}
      GROUP BY month, currency ORDER BY month, currency`,
    ),
  })
  return {
    from,
    to,
    months: (read.months.results as MonthRow[]).map((row) => ({
      month: row.month,
      currency: row.currency,
      payments: row.payments,
      paid: row.paid,
      gross_volume: row.gross_volume,
      platform_fees: row.platform_fees,
      refunded: row.refunded,
      refund_rate: rate(row.refunded, row.gross_volume),
      dispute_rate: rate(row.disputed, row.paid),
      payment_failure_rate: rate(row.failed_first_attempt, row.payments),
    })),
  }
}

const LIMIT = 50

/**
 * What needs an operator now, each list bounded and read through an index: payments stuck pending or
 * processing past the reconciliation delay, payments whose refund kept failing, refunds that failed recently,
 * Stripe events that could not be applied, and payouts Stripe refused.
 */
export async function adminAttention({ db, settings, clock }: Services, admin: Actor) {
  authorizeAdmin(admin)
  const now = clock()
  const stale = addMinutes(now.toISOString(), -settings.RECONCILE_AFTER_MINUTES)
  const week = new Date(now.getTime() - 7 * 86_400_000).toISOString()
  const hourAgo = addMinutes(now.toISOString(), -60)
  const read = await runBatchNamed(db, [], {
    stuck: prepare(
      db,
      sql`SELECT id, status, amount, currency, updated_at FROM payments
      WHERE status IN ('pending', 'processing') AND updated_at < ${stale}
        AND stripe_payment_intent_id IS NOT NULL ORDER BY updated_at LIMIT ${LIMIT}`,
    ),
    refundFailed: prepare(
      db,
      sql`SELECT id, amount, amount_refunded, currency, updated_at FROM payments
      WHERE status = 'refund_failed' ORDER BY updated_at LIMIT ${LIMIT}`,
    ),
    failedRefunds: prepare(
      db,
      sql`SELECT id, payment_id, amount, currency, failure_reason, updated_at FROM refunds
      WHERE status = 'failed' AND updated_at >= ${week} ORDER BY updated_at DESC LIMIT ${LIMIT}`,
    ),
    events: prepare(
      db,
      sql`SELECT event_id, type, attempts, last_error, last_failed_at FROM stripe_event_failures
      WHERE NOT EXISTS (SELECT 1 FROM stripe_events WHERE stripe_events.id = stripe_event_failures.event_id)
      ORDER BY last_failed_at DESC LIMIT ${LIMIT}`,
    ),
    failedPayouts: prepare(
      db,
      sql`SELECT id, kind, owner_id, amount, currency, failure_code, attempt, updated_at FROM payouts
      WHERE status = 'failed' ORDER BY created_at DESC, id DESC LIMIT ${LIMIT}`,
    ),
    // How long the last hour's events took from Stripe creating them to being applied here (webhook delivery
    // and retries, or the cron's replay): one range of stripe_events_processed_idx.
    lag: prepare(
      db,
      sql`SELECT COUNT(*) AS events,
        ROUND(AVG((julianday(processed_at) - julianday(created_at)) * 86400), 1) AS average_seconds,
        ROUND(MAX((julianday(processed_at) - julianday(created_at)) * 86400), 1) AS max_seconds
      FROM stripe_events WHERE processed_at >= ${hourAgo} AND created_at IS NOT NULL`,
    ),
    claims: prepare(
      db,
      sql`SELECT id, rental_id, amount, currency, failure_code, updated_at FROM damage_claims
      WHERE status = 'collection_failed' ORDER BY updated_at DESC LIMIT ${LIMIT}`,
    ),
  })
  type Row = Record<string, string | number | null>
  return {
    stuck_payments: read.stuck.results as Row[],
    refund_failed_payments: read.refundFailed.results as Row[],
    failed_refunds_last_7_days: read.failedRefunds.results as Row[],
    events_not_applied: read.events.results as Row[],
    failed_payouts: read.failedPayouts.results as Row[],
    claims_collection_failed: read.claims.results as Row[],
    webhook_lag_last_hour: read.lag.results[0] as {
      events: number
      average_seconds: number | null
      max_seconds: number | null
    },
  }
}
