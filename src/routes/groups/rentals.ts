import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { depositRoutes } from '../deposits'
import { rentalRoutes } from '../rentals'

/** /api/rentals/…: bookings, and each rental's deposit and damage claims. */
export const mount = <S extends Schema>(app: Router<S>) =>
  app.route('/api/rentals', rentalRoutes).route('/api/rentals', depositRoutes)
