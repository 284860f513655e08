import { z } from '@hono/zod-openapi'
import { paymentStatuses } from '../../adapters/d1/schema'
import { PaginationQuery } from '../schemas'

export const AdminPaymentQuery = PaginationQuery.extend({
  status: z.enum(paymentStatuses).openapi({
    description: 'Required: the payments in this status, e.g. `refund_failed` (refunds Stripe kept failing)',
    example: 'refund_failed',
  }),
})
