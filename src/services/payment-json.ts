import { payments } from '../db/schema'
import type { JsonList } from '../lib/pagination'
import type { Payment } from './payment-intents'
import type { Refund } from './refunds'

/** A payment as the API shows it. */

export const toPaymentJson = (payment: Payment) => ({
  id: payment.id,
  rental_id: payment.rentalId,
  renter_id: payment.renterId,
  owner_id: payment.ownerId,
  amount: payment.amount,
  currency: payment.currency,
  status: payment.status,
  platform_fee: payment.platformFee,
  owner_payout_amount: payment.ownerPayoutAmount,
  amount_refunded: payment.amountRefunded,
  stripe_payment_intent_id: payment.stripePaymentIntentId,
  stripe_charge_id: payment.stripeChargeId,
  attempt: payment.attempt,
  failure_code: payment.failureCode,
  failure_message: payment.failureMessage,
  created_at: payment.createdAt,
  updated_at: payment.updatedAt,
  completed_at: payment.completedAt,
  refunded_at: payment.refundedAt,
})

export type PaymentJson = ReturnType<typeof toPaymentJson>

/** The same fields for lists, written by SQLite (GET /api/payments): payments.test.ts checks both agree. */
export const paymentList: JsonList<PaymentJson> = {
  table: payments,
  columns: {
    id: payments.id,
    rental_id: payments.rentalId,
    renter_id: payments.renterId,
    owner_id: payments.ownerId,
    amount: payments.amount,
    currency: payments.currency,
    status: payments.status,
    platform_fee: payments.platformFee,
    owner_payout_amount: payments.ownerPayoutAmount,
    amount_refunded: payments.amountRefunded,
    stripe_payment_intent_id: payments.stripePaymentIntentId,
    stripe_charge_id: payments.stripeChargeId,
    attempt: payments.attempt,
    failure_code: payments.failureCode,
    failure_message: payments.failureMessage,
    created_at: payments.createdAt,
    updated_at: payments.updatedAt,
    completed_at: payments.completedAt,
    refunded_at: payments.refundedAt,
  },
}

export const toRefundJson = (refund: Refund) => ({
  id: refund.id,
  payment_id: refund.paymentId,
  amount: refund.amount,
  currency: refund.currency,
  status: refund.status,
  reason: refund.reason,
  failure_reason: refund.failureReason,
  stripe_refund_id: refund.stripeRefundId,
  created_at: refund.createdAt,
  updated_at: refund.updatedAt,
})
