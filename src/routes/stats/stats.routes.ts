import { createRoute } from '@hono/zod-openapi'
import { problemResponses, SIGNED_IN } from '../error-responses'
import { requireAuth } from '../../middleware/auth'
import { jsonContent, security } from '../schemas'
import { OwnerStatsSchema, StatsQuery } from './stats.schemas'

export const ownerStats = createRoute({
  tags: ['stats'],
  security,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/me/stats',
  summary:
    "The caller's figures as an owner: bookings, nights, revenue, fees, refunds and net per month and currency; occupancy per listing",
  request: { query: StatsQuery },
  responses: {
    200: { description: 'The figures', ...jsonContent(OwnerStatsSchema) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'invalid_date_range']),
  },
})

export type OwnerStatsRoute = typeof ownerStats
