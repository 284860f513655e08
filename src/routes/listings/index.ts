import { createRouter } from '../openapi'
import * as handlers from './listings.handlers'
import * as routes from './listings.routes'

export const listingRoutes = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.search, handlers.search)
  .openapi(routes.getOne, handlers.getOne)
  .openapi(routes.activate, handlers.activate)
  .openapi(routes.deactivate, handlers.deactivate)
  .openapi(routes.availability, handlers.availability)
