import type Stripe from 'stripe'

const idOf = (field: string | { id: string } | null | undefined) =>
  typeof field === 'string' ? field : (field?.id ?? undefined)

/** What a PaymentIntent's status means for our payment; undefined when it changes nothing (yet). */
export function intentOutcome(
  intent: Stripe.PaymentIntent,
):
  | { to: 'completed'; chargeId: string | null }
  | { to: 'processing' }
  | { to: 'failed'; code: string; message: string }
  | undefined {
  switch (intent.status) {
    case 'succeeded':
      return { to: 'completed', chargeId: idOf(intent.latest_charge) ?? null }
    case 'processing':
      return { to: 'processing' }
    case 'canceled':
      return {
        to: 'failed',
        code: 'canceled',
        message: `PaymentIntent canceled (${intent.cancellation_reason ?? 'no reason'})`,
      }
    case 'requires_payment_method': {
      const error = intent.last_payment_error
      if (!error) return undefined
      return {
        to: 'failed',
        code: error.decline_code ?? error.code ?? 'payment_failed',
        message: error.message ?? 'The payment failed',
      }
    }
    default:
      return undefined
  }
}

/** Whether a payment's current intent may still be paid: not paid yet (pending or declined) and not canceled. */
export const intentMayBePaid = (payment: {
  status: string
  failureCode: string | null
  stripePaymentIntentId: string | null
}) =>
  payment.stripePaymentIntentId !== null &&
  (payment.status === 'pending' || payment.status === 'failed') &&
  !(payment.status === 'failed' && payment.failureCode === 'canceled')
