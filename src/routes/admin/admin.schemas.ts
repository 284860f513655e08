import * as z from '../../lib/zod'
import { paymentStatuses } from '../../adapters/d1/schema'
import { Currency, PaginationQuery, lazySchema } from '../schemas'
export { StatsQuery } from '../stats/stats.schemas'

export const AdminPaymentQuery = PaginationQuery.extend({
  status: z.enum(paymentStatuses).openapi({
    description: 'Required: the payments in this status, e.g. `refund_failed` (refunds Stripe kept failing)',
    example: 'refund_failed',
  }),
})

export const AdminStatsSchema = lazySchema(() =>
  z
    .object({
      from: z.string(),
      to: z.string(),
      months: z.array(
        z.object({
          month: z.string().openapi({ example: '2026-11', description: 'The month the payment was started' }),
          currency: Currency,
          payments: z.number().int(),
          paid: z.number().int(),
          gross_volume: z.number().int().openapi({ description: 'Paid, in minor units' }),
          platform_fees: z.number().int(),
          refunded: z.number().int(),
          refund_rate: z.number().openapi({ description: 'refunded / gross_volume' }),
          dispute_rate: z.number().openapi({ description: 'disputed payments / paid ones' }),
          payment_failure_rate: z
            .number()
            .openapi({ description: 'payments whose first attempt failed / all' }),
        }),
      ),
    })
    .openapi('AdminStats'),
)

export const AttentionSchema = lazySchema(() => {
  const rows = z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
  return z
    .object({
      stuck_payments: rows.openapi({ description: 'Pending or processing past RECONCILE_AFTER_MINUTES' }),
      refund_failed_payments: rows,
      failed_refunds_last_7_days: rows,
      events_not_applied: rows.openapi({
        description: 'Stripe events whose handling failed and never succeeded',
      }),
      failed_payouts: rows.openapi({
        description: 'Payouts Stripe refused (retried when the owner’s account can receive transfers again)',
      }),
      claims_collection_failed: rows.openapi({
        description: "Damage claims whose off-session charge of the renter's saved card failed",
      }),
      webhook_lag_last_hour: z
        .object({
          events: z.number().int().openapi({ example: 42 }),
          average_seconds: z.number().nullable().openapi({ example: 1.8 }),
          max_seconds: z.number().nullable().openapi({ example: 31.4 }),
        })
        .openapi({
          description:
            'Stripe events applied in the last hour, and how long they took from Stripe creating them (webhook delivery and retries, or the cron’s replay)',
        }),
    })
    .openapi('Attention')
})
