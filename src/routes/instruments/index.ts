import { createRouter } from '../openapi'
import * as handlers from './instruments.handlers'
import * as routes from './instruments.routes'

export const instrumentRoutes = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.getOne, handlers.getOne)
