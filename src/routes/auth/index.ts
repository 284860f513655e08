import { $ } from '@hono/zod-openapi'
import { createRouter } from '../openapi'
import { requireAuth } from '../../middleware/auth'
import { limitByClientAddress } from '../../middleware/rate-limit'
import * as handlers from './auth.handlers'
import * as routes from './auth.routes'

// One chain (with $(), which gives .use()'s result its OpenAPIHono type back), so that the routes' types
// accumulate for the typed client (routes/api.ts).
export const authRoutes = $(
  $(createRouter().use('/auth/*', limitByClientAddress))
    .openapi(routes.register, handlers.register)
    .openapi(routes.login, handlers.login)
    .use('/me', requireAuth),
).openapi(routes.me, handlers.me)
