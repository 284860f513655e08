import { createRouter } from '../openapi'
import * as handlers from './admin.handlers'
import * as routes from './admin.routes'

export const adminRoutes = createRouter()
  .openapi(routes.listPayments, handlers.listPayments)
  .openapi(routes.stats, handlers.stats)
  .openapi(routes.attention, handlers.attention)
  .openapi(routes.listPayouts, handlers.listPayouts)
