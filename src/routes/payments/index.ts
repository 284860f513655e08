import { createRouter } from '../openapi'
import * as handlers from './payments.handlers'
import * as routes from './payments.routes'

export const paymentRoutes = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.getOne, handlers.getOne)
  .openapi(routes.timeline, handlers.timeline)
  .openapi(routes.receipt, handlers.receipt)
  .openapi(routes.initiate, handlers.initiate)
  .openapi(routes.confirm, handlers.confirm)
  .openapi(routes.refund, handlers.refund)

/** Refunds' own documents (GET /api/refunds/{id}/credit-note). */
export const refundRoutes = createRouter().openapi(routes.creditNote, handlers.creditNote)
