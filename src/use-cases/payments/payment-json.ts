import { payments, refunds } from '../../adapters/d1/schema'
import { jsonMapper, type JsonOf } from '../../adapters/d1/json-columns'
import type { JsonList } from '../../adapters/d1/pagination'
import type { Payment, Refund } from '../../adapters/d1/schema'

/** A payment as the API shows it: JSON key → column, in answer order. */
export const paymentColumns = {
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
}

export type PaymentJson = JsonOf<typeof paymentColumns>

export const toPaymentJson = jsonMapper<typeof paymentColumns, Payment>(payments, paymentColumns)

/** The same fields for GET /api/payments, written by SQLite (test/routes/payments/payments-read.test.ts checks they agree). */
export const paymentList: JsonList<typeof paymentColumns> = { table: payments, columns: paymentColumns }

/** A refund as the API shows it. */
export const refundColumns = {
  id: refunds.id,
  payment_id: refunds.paymentId,
  amount: refunds.amount,
  currency: refunds.currency,
  status: refunds.status,
  reason: refunds.reason,
  failure_reason: refunds.failureReason,
  stripe_refund_id: refunds.stripeRefundId,
  created_at: refunds.createdAt,
  updated_at: refunds.updatedAt,
}

export type RefundJson = JsonOf<typeof refundColumns>

export const toRefundJson = jsonMapper<typeof refundColumns, Refund>(refunds, refundColumns)
