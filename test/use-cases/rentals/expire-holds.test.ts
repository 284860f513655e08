import { env } from 'cloudflare:test'
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { holdsWithLiveIntentQuery } from '../../../src/use-cases/rentals/expire-holds'

describe('expireHolds reads in proportion to the holds due, not to history', () => {
  it.each([undefined, { listingId: 'lst_x', range: { start: '2027-01-01', end: '2027-01-05' } }])(
    'finds the payable intents of expired holds through the (status, hold) index of rentals (scope %o)',
    async (scope) => {
      const query = new SQLiteAsyncDialect().sqlToQuery(
        holdsWithLiveIntentQuery(new Date().toISOString(), { limit: 50, scope }),
      )
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
        .bind(...query.params)
        .all<{ detail: string }>()
      const steps = plan.results.map((step) => step.detail).join('; ')
      expect(steps).toMatch(
        /SEARCH rentals USING (COVERING )?INDEX rentals_(status_hold|listing_status_dates)_idx/,
      )
      expect(steps).not.toMatch(/SCAN payments|SCAN rentals/)
    },
  )
})
