import { and, eq, getTableColumns, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm'
import {
  COLLECTING_CLAIM_STATUSES,
  OPEN_DEPOSIT_STATUSES,
  UNSETTLED_CLAIM_STATUSES,
} from '../../adapters/d1/deposit-statements'
import { damageClaims, depositIntents, deposits, rentals, type DepositIntent } from '../../adapters/d1/schema'
import { transition } from '../../adapters/d1/transitions'
import { needsRehold } from '../../domain/deposits'
import { runBatchNamed } from '../../adapters/d1/client'
import type { Services } from '../context'
import { applyDepositIntent, cancelSupersededIntents } from './deposit-intents'
import { collectClaim } from './claims'
import { closeAttempt, madeBefore, placeHold } from './place-hold'
import { releaseDepositNow } from './release-deposit'

/*
 * The cron's deposit work (docs/DEPOSITS.md), in bounded sweeps: holds placed when due, fresh holds before
 * old ones expire, unwanted intents canceled, deposits released when the claim window closes or the rental is
 * cancelled, unanswered claims accepted, accepted or decided claims collected, attempts whose answer was lost
 * settled. Each item is tried on its own: one failing (Stripe down) is counted and left for the next run.
 */

export interface DepositReport {
  holds_placed: number
  holds_renewed: number
  deposits_released: number
  claims_accepted: number
  claims_collected: number
  intents_canceled: number
}

export const emptyDepositReport = (): DepositReport => ({
  holds_placed: 0,
  holds_renewed: 0,
  deposits_released: 0,
  claims_accepted: 0,
  claims_collected: 0,
  intents_canceled: 0,
})

type Attempt = (step: string, id: string, work: () => Promise<void>) => Promise<void>

export async function sweepDeposits(
  deps: Services,
  run: { now: Date; cutoff: string; batch: number; attempt: Attempt },
): Promise<DepositReport> {
  const report = emptyDepositReport()
  const now = run.now.toISOString()
  const { db } = deps
  const { batch, attempt } = run

  // Holds due (DEPOSIT_HOLD_LEAD_HOURS before the start) of rentals still on; one Stripe was down for stays due.
  const due = await db
    .select(getTableColumns(deposits))
    .from(deposits)
    .innerJoin(rentals, eq(rentals.id, deposits.rentalId))
    .where(and(eq(deposits.status, 'scheduled'), lte(deposits.holdDueAt, now), eq(rentals.status, 'active')))
    .orderBy(deposits.holdDueAt)
    .limit(batch)
  for (const deposit of due) {
    await attempt('deposit_hold', deposit.id, async () => {
      if ((await placeHold(deps, deposit, 'reconciler')).status === 'held') report.holds_placed++
    })
  }

  const unsettledClaim = sql`EXISTS (SELECT 1 FROM damage_claims WHERE damage_claims.deposit_id = deposits.id
    AND damage_claims.status IN ${UNSETTLED_CLAIM_STATUSES})`

  // Fresh holds for held deposits whose hold expires within DEPOSIT_REHOLD_BEFORE_HOURS and that are still needed.
  const horizon = new Date(
    run.now.getTime() + deps.settings.DEPOSIT_REHOLD_BEFORE_HOURS * 3_600_000,
  ).toISOString()
  const expiring = await db
    .select({
      deposit: getTableColumns(deposits),
      claimUnsettled: sql<number>`${unsettledClaim}`,
    })
    .from(deposits)
    .where(
      and(
        eq(deposits.status, 'held'),
        lte(deposits.holdExpiresAt, horizon),
        or(eq(deposits.retryAt, ''), lte(deposits.retryAt, now)),
        // needsRehold's own condition, in the query: deposits that need no fresh hold (their window closes
        // first) must not fill the batch ahead of those that do.
        or(gt(deposits.claimWindowEndsAt, deposits.holdExpiresAt), unsettledClaim),
      ),
    )
    .orderBy(deposits.holdExpiresAt)
    .limit(batch)
  for (const { deposit, claimUnsettled } of expiring) {
    if (!needsRehold(deposit, Boolean(claimUnsettled), run.now, deps.settings)) continue
    await attempt('deposit_rehold', deposit.id, async () => {
      const after = await placeHold(deps, deposit, 'reconciler')
      if (after.stripePaymentIntentId !== deposit.stripePaymentIntentId) report.holds_renewed++
    })
  }

  // Claim windows closed with no claim left to settle: released.
  const windowClosed = sql`claim_window_ends_at <= ${now} AND NOT ${unsettledClaim}`
  const closed = await db
    .select()
    .from(deposits)
    .where(and(inArray(deposits.status, OPEN_DEPOSIT_STATUSES), windowClosed))
    .orderBy(deposits.claimWindowEndsAt)
    .limit(batch)
  // Deposits of rentals cancelled (by a party, a full refund, a refused hand-over): released, a claim withdrawn.
  const cancelledRental = sql`EXISTS (SELECT 1 FROM rentals WHERE rentals.id = deposits.rental_id
    AND rentals.status = 'cancelled')`
  const orphaned = await db
    .select(getTableColumns(deposits))
    .from(deposits)
    .innerJoin(rentals, eq(rentals.id, deposits.rentalId))
    .where(and(inArray(deposits.status, OPEN_DEPOSIT_STATUSES), eq(rentals.status, 'cancelled')))
    .limit(batch)
  const releases = [
    ...closed.map((deposit) => ({ deposit, when: windowClosed, detail: 'the claim window closed' })),
    ...orphaned.map((deposit) => ({ deposit, when: cancelledRental, detail: 'the rental was cancelled' })),
  ]
  for (const { deposit, when, detail } of releases) {
    await attempt('deposit_release', deposit.id, async () => {
      if (await releaseDepositNow(deps, deposit, { source: 'reconciler', detail, when }))
        report.deposits_released++
    })
  }

  // Claims the renter did not answer in time count as accepted.
  const unanswered = await db
    .select()
    .from(damageClaims)
    .where(and(eq(damageClaims.status, 'open'), lte(damageClaims.respondBy, now)))
    .limit(batch)
  for (const claim of unanswered) {
    await attempt('claim_unanswered', claim.id, async () => {
      const [audit, update] = transition(db, 'claim', {
        where: sql`id = ${claim.id} AND respond_by <= ${now}`,
        on: 'unanswered',
        to: 'accepted',
        source: 'reconciler',
        now,
        detail: `no answer by ${claim.respondBy}`,
      })
      const read = await runBatchNamed(db, [audit], { update })
      if (read.update.meta.changes === 1) report.claims_accepted++
    })
  }

  // Accepted or decided claims not collected yet (just accepted above, or Stripe was down when they were).
  const collecting = await db
    .select()
    .from(damageClaims)
    .where(
      and(
        inArray(damageClaims.status, COLLECTING_CLAIM_STATUSES),
        // A decision of nothing released the deposit when it was made: nothing to collect.
        sql`COALESCE(${damageClaims.decidedAmount}, 1) > 0`,
        or(lt(damageClaims.updatedAt, run.cutoff), lte(damageClaims.respondBy, now)),
      ),
    )
    .orderBy(damageClaims.updatedAt)
    .limit(batch)
  for (const claim of collecting) {
    await attempt('claim_collect', claim.id, async () => {
      if ((await collectClaim(deps, claim, 'reconciler')).status === 'captured') report.claims_collected++
    })
  }

  // Attempts whose answer from Stripe was never recorded: the intent is looked for, and applied or given up.
  const lost = await db
    .select()
    .from(depositIntents)
    .where(
      and(
        isNull(depositIntents.stripePaymentIntentId),
        isNull(depositIntents.closedAt),
        lt(depositIntents.createdAt, run.cutoff),
      ),
    )
    .limit(batch)
  for (const row of lost) {
    await attempt('deposit_attempt', row.id, () => settleLostAttempt(deps, row))
  }

  await attempt('deposit_cancel', 'superseded', async () => {
    report.intents_canceled = await cancelSupersededIntents(deps, { limit: batch })
  })
  return report
}

/**
 * An attempt begun long ago and never answered: the customer's intents are searched for it (by its metadata).
 * Found, it is applied (a hold the deposit no longer wants is canceled); not found, Stripe never made it, and
 * the attempt is closed so that the next one starts with a new key.
 */
async function settleLostAttempt(deps: Services, attempt: DepositIntent) {
  const deposit = await deps.db.query.deposits.findFirst({ where: eq(deposits.id, attempt.depositId) })
  if (!deposit) return
  const intent = await madeBefore(deps, deposit, attempt)
  if (intent) {
    await applyDepositIntent(deps, { deposit, attempt, intent, source: 'reconciler' })
    return
  }
  await closeAttempt(deps, attempt, 'never_made')
}
