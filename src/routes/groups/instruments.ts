import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { instrumentRoutes } from '../instruments'

/** /api/instruments/…: an owner's instruments. */
export const mount = <S extends Schema>(app: Router<S>) => app.route('/api/instruments', instrumentRoutes)
