import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../../app-env'
import * as handlers from './dashboard.handlers'

/** A sign-in form posts two short fields; anything larger is refused before it is parsed. */
const smallForm = bodyLimit({ maxSize: 4 * 1024 })

/**
 * /dashboard: server-rendered HTML for owners and admins (not part of the JSON API, so not in the OpenAPI
 * document). Signed in with a cookie set by its own form.
 */
export const dashboardRoutes = new Hono<AppEnv>()
  .get('/', handlers.page)
  .post('/sign-in', smallForm, handlers.signIn)
  .post('/sign-out', smallForm, handlers.signOut)
