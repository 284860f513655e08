import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { listingRoutes } from '../listings'

/** /api/listings/…: instruments offered for rent, and their availability. */
export const mount = <S extends Schema>(app: Router<S>) => app.route('/api/listings', listingRoutes)
