import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { adminRoutes } from '../admin'
import { adminClaimRoutes } from '../deposits'

/** /api/admin/…: the platform's figures, attention list, payments and payouts, and contested claims. */
export const mount = <S extends Schema>(app: Router<S>) =>
  app.route('/api/admin/damage-claims', adminClaimRoutes).route('/api/admin', adminRoutes)
