import { createRouter } from '../openapi'
import * as handlers from './payouts.handlers'
import * as routes from './payouts.routes'

/** The caller's payout account and earnings (under /api/me). */
export const payoutAccountRoutes = createRouter()
  .openapi(routes.createAccount, handlers.createAccount)
  .openapi(routes.getAccount, handlers.getAccount)
  .openapi(routes.onboardingLink, handlers.onboardingLink)
  .openapi(routes.earnings, handlers.earnings)

/** GET /api/payouts: the caller's payouts as owner. */
export const payoutRoutes = createRouter().openapi(routes.list, handlers.list)
