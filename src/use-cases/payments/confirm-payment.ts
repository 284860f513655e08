import type Stripe from 'stripe'
import type { Payment } from '../../adapters/d1/schema'
import { callStripe } from '../../adapters/stripe/client'
import type { Actor } from '../../domain/access'
import { intentOutcome } from '../../domain/intent-outcome'
import { ApiError } from '../../lib/errors'
import type { Services } from '../context'
import { applyStripeIntent } from './apply-intent'
import { rentalWithPayment } from '../rentals/read-rentals'

export type ConfirmResult =
  | { kind: 'completed'; payment: Payment }
  | { kind: 'pending'; payment: Payment; intentStatus: Stripe.PaymentIntent.Status }

/**
 * Never trusts the client: the intent is read from Stripe and must be this payment's (stored id and
 * metadata), for the same amount and currency, and succeeded.
 */
export async function confirmPayment(
  deps: Services,
  user: Actor,
  rentalId: string,
  intentId: string,
): Promise<ConfirmResult> {
  const { rental, payment } = await rentalWithPayment(deps, user, rentalId, 'pay')
  if (!payment) throw new ApiError('payment_not_found', 'No payment was initiated for this rental')
  if (payment.stripePaymentIntentId !== intentId) {
    throw new ApiError('payment_intent_mismatch', 'This PaymentIntent does not belong to this rental')
  }
  if (payment.completedAt) return { kind: 'completed', payment }

  const intent = await callStripe(() => deps.stripe.paymentIntents.retrieve(intentId))
  if (intent.metadata.rental_id !== rental.id || intent.metadata.payment_id !== payment.id) {
    throw new ApiError('payment_intent_mismatch', 'This PaymentIntent does not belong to this rental')
  }
  if (intent.amount !== payment.amount || intent.currency !== payment.currency) {
    throw new ApiError(
      'payment_intent_mismatch',
      'The PaymentIntent amount or currency differs from the rental',
    )
  }
  const { payment: stored } = await applyStripeIntent(
    deps,
    { payment, intent, source: 'api', actorId: user.id },
    rental,
  )
  const outcome = intentOutcome(intent)
  if (stored.completedAt) return { kind: 'completed', payment: stored }
  if (outcome?.to === 'failed') {
    throw new ApiError('payment_failed', outcome.message, {
      extra: { decline_code: outcome.code, payment_id: stored.id, payment_status: stored.status },
    })
  }
  return { kind: 'pending', payment: stored, intentStatus: intent.status }
}
