import { eq } from 'drizzle-orm'
import { PAID_STATUSES, type Trigger } from '../../domain/state-machines'
import { cancelIntent } from '../../adapters/stripe/intents'
import type { Services } from '../context'
import { applyIntent, type ApplyIntent } from '../../adapters/d1/apply-intent-batch'
import { reserveOwedRefund, sendRefund } from './refunds'
import { rentals, type Deposit, type Payment, type Rental } from '../../adapters/d1/schema'
import { intentOutcome } from '../../domain/intent-outcome'
import { payoutDueAt } from '../../domain/payouts'
import { claimWindowEndsAt, holdDueAt } from '../../domain/deposits'
import { idOf } from '../../adapters/stripe/client'
import { newId } from '../../lib/ids'
import { placeHold } from '../deposits/place-hold'

/** What applying an intent uses of the services (the Stripe event handlers share it). */
export type IntentDeps = Pick<Services, 'db' | 'stripe' | 'logger' | 'settings' | 'clock'>

/**
 * What Stripe says about a PaymentIntent, applied: the one function confirm, webhooks, the cron, cancel and
 * hold expiry call. The payment and rental move in one batch (applyIntent); when the rental is cancelled and
 * its renter is owed money (a payment that completed on a rental cancelled meanwhile: cancel and expiry cancel
 * the intent at Stripe first, so this only happens when a charge raced them), the owed amount is refunded.
 */
export async function applyStripeIntent(
  deps: IntentDeps,
  change: Omit<ApplyIntent, 'payout' | 'deposit' | 'now'>,
  /** The payment's rental, when the caller has read it already (its dates, owner and deposit never change). */
  knownRental?: Rental,
): Promise<{ payment: Payment; rental?: Rental }> {
  // One instant for the rows this report stamps and for the payout's due time reckoned from it.
  const now = deps.clock()
  const plans = await completionPlans(deps, change, now, knownRental)
  const applied = await applyIntent(deps.db, { ...change, ...plans, now: now.toISOString() })
  // Only by the report that completed the payment (and created the deposit); after that, the cron places it.
  if (
    applied.deposit &&
    !change.payment.completedAt &&
    applied.payment.completedAt &&
    applied.rental?.status === 'active'
  )
    await placeHoldIfDue(deps, applied.deposit, change.source)
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
 * What the batch that completes the payment also creates: the owner's payout and the rental's deposit (one read
 * of the rental, only for a report of success on a payment not yet completed).
 */
async function completionPlans(
  deps: IntentDeps,
  change: Omit<ApplyIntent, 'payout' | 'deposit' | 'now'>,
  completedAt: Date,
  knownRental: Rental | undefined,
) {
  if (change.payment.completedAt || intentOutcome(change.intent)?.to !== 'completed') return {}
  const rental =
    knownRental ?? (await deps.db.query.rentals.findFirst({ where: eq(rentals.id, change.payment.rentalId) }))
  if (!rental) return {}
  return { payout: payoutPlan(deps, rental, completedAt), deposit: depositPlan(deps, change, rental) }
}

/**
 * The payout to schedule if this report completes the payment: due by PAYOUT_RELEASE_AT and
 * PAYOUT_DELAY_DAYS from the rental's dates. None when OWNER_PAYOUTS is off.
 */
function payoutPlan(deps: IntentDeps, rental: Rental, completedAt: Date) {
  const { settings } = deps
  if (settings.OWNER_PAYOUTS === 'off') return undefined
  const due = payoutDueAt(
    {
      startDate: rental.startDate,
      endDate: rental.endDate,
      timeZone: rental.timeZone,
      completedAt,
    },
    settings.PAYOUT_RELEASE_AT,
    settings.PAYOUT_DELAY_DAYS,
  )
  return { id: newId('pyo'), scheduledFor: due.toISOString(), policy: settings.REFUND_FEE_POLICY }
}

/**
 * The deposit to create if this report completes the payment of a rental with a deposit: its hold due
 * DEPOSIT_HOLD_LEAD_HOURS before the start, on the card the payment saved to the renter's customer.
 */
function depositPlan(
  deps: IntentDeps,
  change: Omit<ApplyIntent, 'payout' | 'deposit' | 'now'>,
  rental: Rental,
) {
  if (rental.depositAmount <= 0) return undefined
  return {
    id: newId('dep'),
    customerId: idOf(change.intent.customer) ?? null,
    // Saved for later off-session use only when the intent had a customer to save it to.
    paymentMethodId: change.intent.customer ? (idOf(change.intent.payment_method) ?? null) : null,
    holdDueAt: holdDueAt(rental, deps.settings).toISOString(),
    claimWindowEndsAt: claimWindowEndsAt(rental, null, deps.settings).toISOString(),
  }
}

/**
 * A deposit scheduled for a rental that starts sooner than DEPOSIT_HOLD_LEAD_HOURS is held at once, when its
 * payment completes. If Stripe cannot be reached it stays scheduled, and the cron places it.
 */
async function placeHoldIfDue(deps: IntentDeps, deposit: Deposit, source: Trigger) {
  if (deposit.status !== 'scheduled' || Date.parse(deposit.holdDueAt) > deps.clock().getTime()) return
  try {
    await placeHold(deps, deposit, source)
  } catch (error) {
    deps.logger.warn('could not place a deposit hold at payment; the cron will retry', {
      deposit_id: deposit.id,
      error: String(error),
    })
  }
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
  const reservation = await reserveOwedRefund(deps.db, payment, source)
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
