import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../lib/errors'
import { jsonContent, security } from '../schemas'
import { AdminPaymentQuery, AdminStatsSchema, AttentionSchema, StatsQuery } from './admin.schemas'
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
  responses: { 200: { description: 'A page of payments', ...jsonContent(PaymentPage) }, ...errorResponses },
})

export type ListPaymentsRoute = typeof listPayments

export const stats = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/stats',
  summary: 'Gross volume, fees, refund, dispute and failure rates per month and currency (admin only)',
  request: { query: StatsQuery },
  responses: { 200: { description: 'The figures', ...jsonContent(AdminStatsSchema) }, ...errorResponses },
})

export const attention = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/attention',
  summary:
    'What needs an operator: stuck payments, refunds that keep failing, events not applied (admin only)',
  responses: { 200: { description: 'Bounded lists', ...jsonContent(AttentionSchema) }, ...errorResponses },
})

export type StatsRoute = typeof stats
export type AttentionRoute = typeof attention
