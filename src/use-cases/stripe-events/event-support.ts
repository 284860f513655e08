import { eq } from 'drizzle-orm'
import type { Database } from '../../adapters/d1/client'
import { recordEventStatement } from '../../adapters/d1/payment-statements'
import { payments, type Payment } from '../../adapters/d1/schema'
import type { Services } from '../context'
import { callStripe } from '../../adapters/stripe/client'
import { paymentMachine, statusesInto } from '../../domain/state-machines'
import { applyStripeIntent } from '../payments/apply-intent'
import { nowIso } from '../../lib/time'

/* What every Stripe event's use case shares: its dependencies, its outcomes, and finding its payment. */

/** What the handlers of Stripe events use of the services. */
export type WebhookDeps = Pick<Services, 'db' | 'stripe' | 'logger' | 'settings' | 'clock'>

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown_object'

/** An event as recorded: its id, type and when Stripe created it (Unix seconds), for the webhook lag. */
export type EventRef = { id: string; type: string; created?: number }

/** The payment of a PaymentIntent: only its current attempt's intent counts (an old attempt's is unknown). */
export function findPayment(db: Database, intentId: string): Promise<Payment | undefined> {
  return db.query.payments.findFirst({ where: eq(payments.stripePaymentIntentId, intentId) })
}

export async function unknownObject(
  deps: WebhookDeps,
  ref: EventRef,
  objectId: string,
): Promise<WebhookOutcome> {
  deps.logger.warn('stripe event for an unknown object', {
    event_id: ref.id,
    event_type: ref.type,
    object_id: objectId,
  })
  await recordOnly(deps.db, ref, objectId)
  return 'unknown_object'
}

export async function recordOnly(db: Database, ref: EventRef, objectId: string | null) {
  await recordEventStatement(db, { ...ref, objectId }, nowIso()).run()
}

/**
 * Only a succeeded charge can be disputed or refunded, but webhooks come in any order: when a dispute or a
 * refund overtakes the payment's own success (no confirm yet, payment_intent.succeeded not yet delivered),
 * the intent is re-read and applied first, so that the dispute or the refunded amount is not dropped against
 * a payment that is still pending.
 */
export async function catchUpWithIntent(
  deps: WebhookDeps,
  payment: Payment,
  intentId: string,
): Promise<Payment> {
  // The states a succeeded intent still completes from.
  if (!statusesInto(paymentMachine, 'intent', 'completed').includes(payment.status)) return payment
  const intent = await callStripe(() => deps.stripe.paymentIntents.retrieve(intentId))
  return (await applyStripeIntent(deps, { payment, intent, source: 'webhook' })).payment
}
