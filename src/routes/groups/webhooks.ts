import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { webhookRoutes } from '../webhooks'

/** /api/webhooks/…: Stripe's events, for the platform and for connected accounts. */
export const mount = <S extends Schema>(app: Router<S>) => app.route('/api/webhooks', webhookRoutes)
