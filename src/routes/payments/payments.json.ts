import type { Payment } from '../../services/payment-intents'
import type { Refund } from '../../services/refunds'

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
