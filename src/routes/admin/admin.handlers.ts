import type { AppRouteHandler } from '../route-handler'
import { listPaymentsWithStatus } from '../../use-cases/payments/read-payments'
import { toPaymentJson } from '../../use-cases/payments/payment-json'
import type { ListPaymentsRoute } from './admin.routes'

export const listPayments: AppRouteHandler<ListPaymentsRoute> = async (c) => {
  const page = await listPaymentsWithStatus(c.var.services, c.var.user, c.req.valid('query'))
  return c.json({ data: page.rows.map(toPaymentJson), next_cursor: page.nextCursor }, 200)
}
