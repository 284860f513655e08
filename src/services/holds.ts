import { sql } from 'drizzle-orm'
import { columnsAsKeys, prepare, runBatch } from '../db/client'
import { payments } from '../db/schema'
import type { Trigger } from '../domain/state-machines'
import { applyStripeIntent, type IntentDeps } from './apply-intent'
import { cancelIntent, type Payment } from './payment-intents'
import { expiredHolds, expireHoldsStatements, type HoldScope } from './rental-statements'

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
  const payable = await holdsWithLiveIntent(deps, now, options).all<Payment>()
  for (const payment of payable.results) {
    try {
      const intent = await cancelIntent(deps.stripe, payment.stripePaymentIntentId!)
      await applyStripeIntent(deps, { payment, intent, source })
    } catch (error) {
      // Stripe unreachable: this hold keeps its dates until a later try; the others still expire.
      deps.logger.warn('could not cancel the intent of an expired hold', {
        payment_id: payment.id,
        error: String(error),
      })
    }
  }
  const [, expired] = await runBatch(deps.db, expireHoldsStatements(deps.db, now, source, options.scope))
  return (expired!.results as { id: string }[]).map((row) => row.id)
}

/** Payments of expired holds whose intent is not known to be canceled (it may still be paid). */
function holdsWithLiveIntent(deps: IntentDeps, now: string, options: { scope?: HoldScope; limit: number }) {
  return prepare(
    deps.db,
    sql`SELECT ${columnsAsKeys(payments)} FROM payments
    WHERE rental_id IN (SELECT id FROM rentals WHERE ${expiredHolds(now, options.scope)})
      AND stripe_payment_intent_id IS NOT NULL AND status IN ('pending', 'failed')
      AND failure_code IS NOT 'canceled'
    LIMIT ${options.limit}`,
  )
}
