import { sql } from 'drizzle-orm'
import { runBatchNamed, selectRows } from '../../adapters/d1/client'
import { completeStatements } from '../../adapters/d1/rental-statements'
import { extendClaimWindowStatement } from '../../adapters/d1/deposit-statements'
import { claimWindowEndsAt } from '../../domain/deposits'
import { rentals, type Rental } from '../../adapters/d1/schema'
import type { Actor } from '../../domain/access'
import { ApiError } from '../../lib/errors'
import { nowIso, todayUtc } from '../../lib/time'
import type { Services } from '../context'
import { rentalFor } from './read-rentals'

/**
 * The owner marks the instrument returned: an active rental, on or after its start date. A deposit's claim
 * window runs DEPOSIT_CLAIM_WINDOW_HOURS from the end, or from this return when it is later.
 */
export async function completeRental(services: Services, user: Actor, id: string): Promise<Rental> {
  const { db } = services
  const rental = await rentalFor(services, user, id, 'return')
  const clock = services.clock()
  const today = todayUtc(clock)
  if (rental.status === 'active' && rental.startDate > today) {
    throw new ApiError(
      'rental_not_started',
      `The rental starts on ${rental.startDate}; it cannot be returned before`,
    )
  }
  const now = nowIso(clock)
  const [audit, update] = completeStatements(db, { id, actorId: user.id, today }, now)
  const read = await runBatchNamed(db, [audit], {
    update,
    claimWindow: extendClaimWindowStatement(
      db,
      id,
      claimWindowEndsAt(rental, clock, services.settings).toISOString(),
      now,
    ),
    after: selectRows(db, rentals, sql`id = ${id}`),
  })
  if (read.update.meta.changes !== 1)
    throw new ApiError('rental_not_completable', 'Only an active rental can be completed')
  return read.after.results[0] as Rental
}
