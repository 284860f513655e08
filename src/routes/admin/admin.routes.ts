import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../lib/errors'
import { jsonContent, security } from '../schemas'
import { AdminPaymentQuery } from './admin.schemas'
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
