import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { paymentRoutes, refundRoutes } from '../payments'

/** /api/payments/… and /api/refunds/…: paying for a rental, refunds, receipts and credit notes. */
export const mount = <S extends Schema>(app: Router<S>) =>
  app.route('/api/payments', paymentRoutes).route('/api/refunds', refundRoutes)
