import { eq } from 'drizzle-orm'
import { payments, type Payment, type Refund } from '../../adapters/d1/schema'
import { authorizePayment, type Actor } from '../../domain/access'
import type { Services } from '../context'
import { createRefund, type RefundRequest } from './refunds'
import { settlePayoutOf } from '../payouts/settle-after'

/**
 * Reserves the amount in D1 first (a conditional insert: concurrent refunds cannot exceed what remains), then
 * asks Stripe with an idempotency key derived from the reservation, then applies Stripe's answer in one batch.
 * If Stripe's answer never comes the reservation stays unanswered, and the next request re-sends that very
 * refund with the same key, so a retry never refunds twice.
 */
export async function refundPayment(
  services: Services,
  user: Actor,
  paymentId: string,
  request: RefundRequest,
): Promise<{ payment: Payment; refund: Refund }> {
  const payment = await paymentForRefund(services, user, paymentId)
  const refunded = await createRefund(services.db, services.stripe, payment, request, {
    actorId: user.id,
    source: 'api',
  })
  // After release, the owner's share of the refund is taken back from their transfer now.
  await settlePayoutOf(services, { kind: 'rental', id: payment.id }, 'api')
  return refunded
}

/** Refunds are the listing owner's or an admin's to make (domain/access.ts). */
async function paymentForRefund({ db }: Services, user: Actor, paymentId: string): Promise<Payment> {
  const payment = await db.query.payments.findFirst({ where: eq(payments.id, paymentId) })
  authorizePayment(user, payment, 'refund')
  return payment
}
