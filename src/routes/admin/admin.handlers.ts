import type { AppRouteHandler } from '../route-handler'
import { listPaymentsWithStatus } from '../../use-cases/payments/read-payments'
import { toPaymentJson } from '../../use-cases/payments/payment-json'
import { adminAttention, adminStats } from '../../use-cases/admin-stats'
import { listPayoutsWithStatus, toPayoutJson } from '../../use-cases/payouts/read-payouts'
import type { AttentionRoute, ListPaymentsRoute, ListPayoutsRoute, StatsRoute } from './admin.routes'

export const listPayments: AppRouteHandler<ListPaymentsRoute> = async (c) => {
  const page = await listPaymentsWithStatus(c.var.services, c.var.user, c.req.valid('query'))
  return c.json({ data: page.rows.map(toPaymentJson), next_cursor: page.nextCursor }, 200)
}

export const stats: AppRouteHandler<StatsRoute> = async (c) => {
  const { from, to } = c.req.valid('query')
  return c.json(await adminStats(c.var.services, c.var.user, from, to), 200)
}

export const attention: AppRouteHandler<AttentionRoute> = async (c) => {
  return c.json(await adminAttention(c.var.services, c.var.user), 200)
}

export const listPayouts: AppRouteHandler<ListPayoutsRoute> = async (c) => {
  const page = await listPayoutsWithStatus(c.var.services, c.var.user, c.req.valid('query'))
  return c.json({ data: page.rows.map(toPayoutJson), next_cursor: page.nextCursor }, 200)
}
