import { createRouter } from '../../lib/openapi'
import { requireAuth } from '../../middleware/auth'
import * as handlers from './auth.handlers'
import * as routes from './auth.routes'

export const authRoutes = createRouter()
  .openapi(routes.register, handlers.register)
  .openapi(routes.login, handlers.login)

authRoutes.use('/me', requireAuth)
authRoutes.openapi(routes.me, handlers.me)
