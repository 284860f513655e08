import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { authRoutes } from '../auth'
import { payoutAccountRoutes } from '../payouts'
import { statsRoutes } from '../stats'

/** /api/auth/… and /api/me/…: signing in, and the signed-in user's own account, figures and payout account. */
export const mount = <S extends Schema>(app: Router<S>) =>
  app.route('/api', authRoutes).route('/api', statsRoutes).route('/api', payoutAccountRoutes)
