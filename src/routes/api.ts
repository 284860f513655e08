import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import { adminRoutes } from './admin'
import { authRoutes } from './auth'
import { adminClaimRoutes, claimRoutes, depositRoutes } from './deposits'
import { instrumentRoutes } from './instruments'
import { listingRoutes } from './listings'
import { paymentRoutes, refundRoutes } from './payments'
import { rentalRoutes } from './rentals'
import { statsRoutes } from './stats'
import { webhookRoutes } from './webhooks'
import { payoutAccountRoutes, payoutRoutes } from './payouts'

/**
 * The JSON API's routes, mounted under /api. One chain, so that its type holds every route with its
 * validated input and typed answers: `AppType`, for hono/client's typed client (docs/INTEGRATION.md).
 */
export function mountApi<A extends OpenAPIHono<AppEnv>>(app: A) {
  return app
    .route('/api', authRoutes)
    .route('/api/payments', paymentRoutes)
    .route('/api/refunds', refundRoutes)
    .route('/api/webhooks', webhookRoutes)
    .route('/api/instruments', instrumentRoutes)
    .route('/api/listings', listingRoutes)
    .route('/api/rentals', rentalRoutes)
    .route('/api/rentals', depositRoutes)
    .route('/api/damage-claims', claimRoutes)
    .route('/api/admin/damage-claims', adminClaimRoutes)
    .route('/api/admin', adminRoutes)
    .route('/api', statsRoutes)
    .route('/api', payoutAccountRoutes)
    .route('/api/payouts', payoutRoutes)
}

/** The API's type for `hc<AppType>(baseUrl)` from hono/client (examples/typed-client.ts). */
export type AppType = ReturnType<typeof mountApi<OpenAPIHono<AppEnv>>>
