import { sql } from 'drizzle-orm'
import { runBatchNamed, selectRows } from '../../adapters/d1/client'
import { OPEN_DEPOSIT_STATUSES, releaseStatements, type Release } from '../../adapters/d1/deposit-statements'
import { deposits, type Deposit } from '../../adapters/d1/schema'
import type { Actor } from '../../domain/access'
import { ApiError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'
import { cancelSupersededIntents, type DepositDeps } from './deposit-intents'
import { rentalWithDeposit, toDepositJson, type DepositJson } from './read-deposit'

/**
 * Releases a deposit in D1 first (one batch: released, its intent marked for cancelling, an open or contested
 * claim withdrawn), then cancels its intent at Stripe; if Stripe cannot be reached, the cron cancels it. Returns
 * the deposit released, or undefined when it could not be (already settled, or a claim on it is being
 * collected).
 */
export async function releaseDepositNow(
  deps: DepositDeps,
  deposit: Deposit,
  release: Omit<Release, 'depositId' | 'now'>,
): Promise<Deposit | undefined> {
  const { db } = deps
  const now = nowIso(deps.clock())
  const { audit, update, after } = releaseStatements(db, { ...release, depositId: deposit.id, now })
  const read = await runBatchNamed(db, [audit], {
    update,
    ...Object.fromEntries(after.map((statement, i) => [`after${i}`, statement])),
    deposit: selectRows(db, deposits, sql`id = ${deposit.id}`),
  })
  if (read.update.meta.changes !== 1) return undefined
  await cancelSupersededIntents(deps, { depositId: deposit.id })
  return read.deposit.results[0] as Deposit
}

/**
 * POST /api/rentals/{id}/deposit/release (the owner): the owner gives the deposit up at once, before or after
 * the claim window closes; an open or contested claim of theirs is withdrawn with it.
 */
export async function releaseDeposit(deps: Services, user: Actor, rentalId: string): Promise<DepositJson> {
  const { rental, deposit } = await rentalWithDeposit(deps, user, rentalId, 'release_deposit')
  if (!deposit) throw new ApiError('deposit_not_releasable', 'This rental has no deposit to release')
  const released = await releaseDepositNow(deps, deposit, {
    source: 'api',
    actorId: user.id,
    detail: 'released by the owner',
  })
  if (!released) {
    throw new ApiError(
      'deposit_not_releasable',
      !(OPEN_DEPOSIT_STATUSES as readonly string[]).includes(deposit.status)
        ? `The deposit is ${deposit.status}; there is nothing to release`
        : 'A claim on this deposit is being collected; it can no longer be released',
    )
  }
  return toDepositJson(rental, released)
}
