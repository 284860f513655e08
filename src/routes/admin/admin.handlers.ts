import type { AppRouteHandler } from '../../lib/route-handler'
import { listPaymentsWithStatus } from '../../services/payment-reads'
import { toPaymentJson } from '../../services/payment-json'
import type { ListPaymentsRoute } from './admin.routes'

export const listPayments: AppRouteHandler<ListPaymentsRoute> = async (c) => {
  const page = await listPaymentsWithStatus(c.var.db, c.var.user, c.req.valid('query'))
  return c.json({ data: page.rows.map(toPaymentJson), next_cursor: page.nextCursor }, 200)
}
