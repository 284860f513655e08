import { createRouter } from '../openapi'
import * as handlers from './deposits.handlers'
import * as routes from './deposits.routes'

/** A rental's deposit and damage claims, under /api/rentals/{id}/. */
export const depositRoutes = createRouter()
  .openapi(routes.getDeposit, handlers.getDeposit)
  .openapi(routes.authorizeDeposit, handlers.authorize)
  .openapi(routes.releaseDeposit, handlers.release)
  .openapi(routes.refuseHandover, handlers.refuse)
  .openapi(routes.fileClaim, handlers.file)
  .openapi(routes.listClaims, handlers.list)

/** The renter's answers to a claim, under /api/damage-claims/{id}/. */
export const claimRoutes = createRouter()
  .openapi(routes.acceptClaim, handlers.accept)
  .openapi(routes.contestClaim, handlers.contest)

/** An admin's decision on a contested claim, under /api/admin/damage-claims/{id}/. */
export const adminClaimRoutes = createRouter().openapi(routes.decideClaim, handlers.decide)
