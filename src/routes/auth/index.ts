import { createRouter } from '../openapi'
import { requireAuth } from '../../middleware/auth'
import { limitByClientAddress } from '../../middleware/rate-limit'
import * as handlers from './auth.handlers'
import * as routes from './auth.routes'

export const authRoutes = createRouter()

authRoutes.use('/auth/*', limitByClientAddress)
authRoutes.openapi(routes.register, handlers.register).openapi(routes.login, handlers.login)

authRoutes.use('/me', requireAuth)
authRoutes.openapi(routes.me, handlers.me)
