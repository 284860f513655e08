import { eq } from 'drizzle-orm'
import { PAID_STATUSES, type Trigger } from '../../domain/state-machines'
import { cancelIntent } from '../../adapters/stripe/intents'
import type { Services } from '../context'
import { applyIntent, type ApplyIntent } from '../../adapters/d1/apply-intent-batch'
import { reserveOwedRefund, sendRefund } from './refunds'
import { rentals, type Payment, type Rental } from '../../adapters/d1/schema'
import { intentOutcome } from '../../domain/intent-outcome'
import { payoutDueAt } from '../../domain/payouts'
import { newId } from '../../lib/ids'

/** What applying an intent uses of the services (the Stripe event handlers share it). */
export type IntentDeps = Pick<Services, 'db' | 'stripe' | 'logger' | 'settings'>

/**
 * What Stripe says about a PaymentIntent, applied: the one function confirm, webhooks, the cron, cancel and
 * hold expiry call. The payment and rental move in one batch (applyIntent); when the rental is cancelled and
 * its renter is owed money (a payment that completed on a rental cancelled meanwhile: cancel and expiry cancel
 * the intent at Stripe first, so this only happens when a charge raced them), the owed amount is refunded.
 */
export async function applyStripeIntent(
  deps: IntentDeps,
  change: Omit<ApplyIntent, 'payout'>,
): Promise<{ payment: Payment; rental?: Rental }> {
  const applied = await applyIntent(deps.db, { ...change, payout: await payoutPlan(deps, change) })
  // Only when this very report completed it: a later report leaves what is owed to the cron's back-off.
  const completedNow = !OWING_STATUSES.includes(change.payment.status)
  if (
    !completedNow ||
    applied.rental?.status !== 'cancelled' ||
    !OWING_STATUSES.includes(applied.payment.status)
  )
    return applied
  const refunded = await refundOrphanedPayment(deps, applied.payment, change.source)
  return { ...applied, payment: refunded ?? applied.payment }
}

const OWING_STATUSES: readonly string[] = PAID_STATUSES

/**
 * The payout to schedule if this report completes the payment: due by PAYOUT_RELEASE_AT and
 * PAYOUT_DELAY_DAYS from the rental's dates (one read of the rental, only for a report of success on a payment
 * not yet completed). None when OWNER_PAYOUTS is off.
 */
async function payoutPlan(deps: IntentDeps, change: Omit<ApplyIntent, 'payout'>) {
  const { settings } = deps
  if (settings.OWNER_PAYOUTS === 'off' || change.payment.completedAt) return undefined
  if (intentOutcome(change.intent)?.to !== 'completed') return undefined
  const rental = await deps.db.query.rentals.findFirst({ where: eq(rentals.id, change.payment.rentalId) })
  if (!rental) return undefined
  const due = payoutDueAt(
    {
      startDate: rental.startDate,
      endDate: rental.endDate,
      timeZone: rental.timeZone,
      completedAt: new Date(),
    },
    settings.PAYOUT_RELEASE_AT,
    settings.PAYOUT_DELAY_DAYS,
  )
  return { id: newId('pyo'), scheduledFor: due.toISOString(), policy: settings.REFUND_FEE_POLICY }
}

/**
 * Cancels a payment's intent at Stripe so that it can no longer be paid, and applies what Stripe answers: when
 * it was paid after all (it raced the cancel), the payment completes instead. Returns Stripe's intent.
 */
export async function cancelAndApplyIntent(deps: IntentDeps, payment: Payment, source: Trigger) {
  const intent = await cancelIntent(deps.stripe, payment.stripePaymentIntentId!)
  const applied = await applyStripeIntent(deps, { payment, intent, source })
  return { intent, applied }
}

/**
 * Refunds what the renter of a cancelled rental is still owed (rentals.refund_due: all that was paid, unless a
 * cancellation under the rental's policy kept part of it); the reconciler retries it if it fails. Returns the
 * payment after, or undefined when nothing is owed beyond refunds already on their way.
 */
export async function refundOrphanedPayment(
  deps: IntentDeps,
  payment: Payment,
  source: Trigger,
): Promise<Payment | undefined> {
  const reservation = await reserveOwedRefund(deps.db, payment)
  if (!reservation) return undefined
  const refunded = await sendRefund(deps.db, deps.stripe, payment, reservation, { actorId: null, source })
  deps.logger.warn('refunded the renter of a cancelled rental what they are owed', {
    source,
    payment_id: payment.id,
    rental_id: payment.rentalId,
    amount: reservation.amount,
  })
  return refunded.payment
}
