import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { payoutRoutes } from '../payouts'

/** /api/payouts/…: an owner's payouts. */
export const mount = <S extends Schema>(app: Router<S>) => app.route('/api/payouts', payoutRoutes)
