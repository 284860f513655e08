import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { claimRoutes } from '../deposits'

/** /api/damage-claims/…: the renter's answers to an owner's damage claim. */
export const mount = <S extends Schema>(app: Router<S>) => app.route('/api/damage-claims', claimRoutes)
