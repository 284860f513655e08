import type { Trigger } from '../../domain/state-machines'
import { ApiError } from '../../lib/errors'
import type { Services } from '../context'
import { applyIntent, type ApplyIntent } from '../../adapters/d1/apply-intent-batch'
import { createRefund } from './refunds'
import type { Payment, Rental } from '../../adapters/d1/schema'

/** What applying an intent uses of the services (the Stripe event handlers share it). */
export type IntentDeps = Pick<Services, 'db' | 'stripe' | 'logger'>

/**
 * What Stripe says about a PaymentIntent, applied: the one function confirm, webhooks, the cron, cancel and
 * hold expiry call. The payment and rental move in one batch (applyIntent); a payment that completed on a
 * rental cancelled meanwhile is refunded in full at once (the last safety net: cancel and expiry cancel the
 * intent at Stripe first, so this only happens when a charge raced them).
 */
export async function applyStripeIntent(
  deps: IntentDeps,
  change: ApplyIntent,
): Promise<{ payment: Payment; rental?: Rental }> {
  const applied = await applyIntent(deps.db, change)
  if (applied.payment.status !== 'completed' || applied.rental?.status !== 'cancelled') return applied
  const refunded = await refundOrphanedPayment(deps, applied.payment, change.source)
  return { ...applied, payment: refunded ?? applied.payment }
}

/**
 * Refunds in full what remains of a completed payment whose rental is cancelled; the reconciler retries it if
 * it fails. Returns the payment after, or undefined when refunds already on their way cover the rest (Stripe
 * answered `pending`): there is nothing to send, and their outcome will settle it.
 */
export async function refundOrphanedPayment(
  deps: IntentDeps,
  payment: Payment,
  source: Trigger,
): Promise<Payment | undefined> {
  const refunded = await createRefund(deps.db, deps.stripe, payment, {}, { actorId: null, source }).catch(
    (error: unknown) => {
      if (error instanceof ApiError && error.code === 'refund_exceeds_remaining') return undefined
      throw error
    },
  )
  if (!refunded) return undefined
  deps.logger.warn('refunded a payment of a cancelled rental', {
    source,
    payment_id: payment.id,
    rental_id: payment.rentalId,
  })
  return refunded.payment
}
