import { createRoute } from '@hono/zod-openapi'
import { problemResponses, SIGNED_IN } from '../error-responses'
import { jsonContent, security } from '../schemas'
import { AdminPaymentQuery, AdminStatsSchema, AttentionSchema, StatsQuery } from './admin.schemas'
import { AdminPayoutQuery, PayoutPage } from '../payouts/payouts.schemas'
import { requireAuth } from '../../middleware/auth'
import { PaymentPage } from '../payments/payments.schemas'

const common = { tags: ['admin'], security }

export const listPayments = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/payments',
  summary: 'Payments of every user in one status, newest first (admin only)',
  request: { query: AdminPaymentQuery },
  responses: {
    200: { description: 'A page of payments', ...jsonContent(PaymentPage) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'forbidden']),
  },
})

export type ListPaymentsRoute = typeof listPayments

export const listPayouts = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/payouts',
  summary: "Owners' payouts in one status, newest first, e.g. `failed` for operations (admin only)",
  request: { query: AdminPayoutQuery },
  responses: {
    200: { description: 'A page of payouts', ...jsonContent(PayoutPage) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'forbidden']),
  },
})

export type ListPayoutsRoute = typeof listPayouts

export const stats = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/stats',
  summary: 'Gross volume, fees, refund, dispute and failure rates per month and currency (admin only)',
  request: { query: StatsQuery },
  responses: {
    200: { description: 'The figures', ...jsonContent(AdminStatsSchema) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'invalid_date_range', 'forbidden']),
  },
})

export const attention = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/attention',
  summary:
    'What needs an operator: stuck payments, refunds that keep failing, events not applied, failed payouts (admin only)',
  responses: {
    200: { description: 'Bounded lists', ...jsonContent(AttentionSchema) },
    ...problemResponses(SIGNED_IN, ['forbidden']),
  },
})

export type StatsRoute = typeof stats
export type AttentionRoute = typeof attention
