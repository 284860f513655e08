import { createRouter } from '../openapi'
import * as handlers from './rentals.handlers'
import * as routes from './rentals.routes'

export const rentalRoutes = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.getOne, handlers.getOne)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.complete, handlers.complete)
  .openapi(routes.cancellationQuote, handlers.cancellationQuote)
