import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { dashboardRoutes } from '../dashboard'

/** /dashboard: the owners' and admins' pages (not part of the JSON API). */
export const mount = <S extends Schema>(app: Router<S>) => app.route('/dashboard', dashboardRoutes)
