import { createRouter } from '../openapi'
import * as handlers from './stats.handlers'
import * as routes from './stats.routes'

export const statsRoutes = createRouter().openapi(routes.ownerStats, handlers.owner)
