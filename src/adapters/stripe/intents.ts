import type Stripe from 'stripe'
import { callStripe, stripeFailure, type StripeClient } from './client'

/**
 * Cancels a PaymentIntent so that it can no longer be paid, and returns it as Stripe has it afterwards.
 * Stripe refuses to cancel one already canceled or succeeded (and most processing ones): then it is re-read, and the caller
 * decides from its status. No idempotency key of ours on purpose: a cancel is safe to repeat, and a reused
 * key would replay an old refusal from an earlier state of the intent.
 */
export async function cancelIntent(stripe: StripeClient, intentId: string): Promise<Stripe.PaymentIntent> {
  try {
    return await stripe.paymentIntents.cancel(intentId, { cancellation_reason: 'abandoned' })
  } catch (error) {
    const failure = stripeFailure(error)
    if (failure?.code !== 'stripe_error') throw failure ?? error
    return callStripe(() => stripe.paymentIntents.retrieve(intentId))
  }
}
