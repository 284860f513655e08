import { createRoute, z } from '@hono/zod-openapi'
import { paymentStatuses } from '../../adapters/d1/schema'
import { errorResponses } from '../../lib/errors'
import { jsonContent, PaginationQuery, security } from '../schemas'
import { requireAuth } from '../../middleware/auth'
import { PaymentPage } from '../payments/payments.schemas'

const common = { tags: ['admin'], security }

export const AdminPaymentQuery = PaginationQuery.extend({
  status: z.enum(paymentStatuses).openapi({
    description: 'Required: the payments in this status, e.g. `refund_failed` (refunds Stripe kept failing)',
    example: 'refund_failed',
  }),
})

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
