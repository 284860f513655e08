import { sql } from 'drizzle-orm'
import { columnsAsKeys, prepare, runBatchNamed } from '../../adapters/d1/client'
import { payments } from '../../adapters/d1/schema'
import type { Trigger } from '../../domain/state-machines'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'
import { cancelAndApplyIntent, type IntentDeps } from '../payments/apply-intent'
import {
  expiredHolds,
  expireHoldsStatements,
  payableIntent,
  type HoldScope,
} from '../../adapters/d1/rental-statements'
import type { Payment } from '../../adapters/d1/schema'

/**
 * Expires unpaid holds whose time is up. A hold whose PaymentIntent could still be paid is not expired on our
 * side alone: its intent is canceled at Stripe first, and what Stripe answers decides. Canceled, the hold
 * expires; already succeeded or processing (the renter paid as the hold ran out), the rental is paid and keeps
 * its dates. So a card is never charged for a rental Backline has cancelled, short of a charge that races the
 * cancel itself (then the payment is refunded in full: applyStripeIntent).
 * Returns the ids of the rentals it cancelled.
 */
export async function expireHolds(
  deps: IntentDeps,
  now: string,
  source: Trigger,
  options: { scope?: HoldScope; limit: number },
): Promise<string[]> {
  const payable = await prepare(deps.db, holdsWithLiveIntentQuery(now, options)).all<Payment>()
  for (const payment of payable.results) {
    try {
      await cancelAndApplyIntent(deps, payment, source)
    } catch (error) {
      // Stripe unreachable: this hold keeps its dates until a later try; the others still expire.
      deps.logger.warn('could not cancel the intent of an expired hold', {
        payment_id: payment.id,
        error: String(error),
      })
    }
  }
  const [audit, update] = expireHoldsStatements(deps.db, now, source, options.scope)
  const { expired } = await runBatchNamed(deps.db, [audit], { expired: update })
  return (expired.results as { id: string }[]).map((row) => row.id)
}

/**
 * Payments of expired holds whose intent is not known to be canceled (it may still be paid). Driven from the
 * holds (rentals_status_hold_idx: pending and expired, which the sweep keeps few), not from the payments.
 */
export const holdsWithLiveIntentQuery = (now: string, options: { scope?: HoldScope; limit: number }) =>
  sql`SELECT ${columnsAsKeys(payments)} FROM payments WHERE id IN (
    SELECT payments.id FROM rentals CROSS JOIN payments ON payments.rental_id = rentals.id
    WHERE ${expiredHolds(now, options.scope, sql`rentals.`)}
      AND ${payableIntent}
    LIMIT ${options.limit})`

/** The cron's sweep: cancels pending rentals whose hold expired unpaid (their intents first), returns their ids. */
export const expireRentalHolds = (services: Services) =>
  expireHolds(services, nowIso(services.clock()), 'reconciler', { limit: 50 })
