import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import { newId } from '../lib/ids'
import type { Ctx } from './context'
import { emit } from './events'
import { newRefund } from './objects'
import { cardOf } from './payment-method-records'

interface RefundRequest {
  charge: Stripe.Charge
  amount?: number
  reason: Stripe.Refund.Reason | null
  metadata: Record<string, string>
}

const money = (amount: number) => `$${(amount / 100).toFixed(2)}`

function assertRefundable(charge: Stripe.Charge, amount: number): void {
  if (charge.disputed) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
      code: 'charge_disputed',
    })
  }
  if (!charge.paid || !charge.captured) {
    throw invalidRequest(`Charge ${charge.id} has not been captured and cannot be refunded.`, {
      param: 'charge',
    })
  }
  const unrefunded = charge.amount - charge.amount_refunded
  if (unrefunded <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    })
  }
  if (amount <= 0) throw invalidRequest('Invalid positive integer', { param: 'amount' })
  if (amount > unrefunded) {
    throw invalidRequest(
      `Refund amount (${money(amount)}) is greater than unrefunded amount on charge (${money(unrefunded)})`,
      { param: 'amount', code: 'amount_too_large' },
    )
  }
}

/** Returns the refund as created; pm_card_refundFail refunds then fail straight after, as Stripe reports later. */
export function createRefund(ctx: Ctx, request: RefundRequest): Stripe.Refund {
  const { charge } = request
  const amount = request.amount ?? charge.amount - charge.amount_refunded
  assertRefundable(charge, amount)
  const refund = newRefund({ ...request, amount, created: ctx.store.now() })
  charge.amount_refunded += amount
  charge.refunded = charge.amount_refunded >= charge.amount
  save(ctx, refund, charge)
  emit(ctx, { type: 'refund.created', object: refund })
  emit(ctx, { type: 'charge.refunded', object: charge })
  const created = structuredClone(refund)
  if (cardOf(ctx.store, charge.payment_method)?.behaviour === 'refund_fail') failRefund(ctx, refund, charge)
  return created
}

function failRefund(ctx: Ctx, refund: Stripe.Refund, charge: Stripe.Charge): void {
  const previous = { status: refund.status }
  Object.assign(refund, {
    status: 'failed',
    failure_reason: 'expired_or_canceled_card',
    failure_balance_transaction: newId('txn'),
  })
  charge.amount_refunded -= refund.amount
  charge.refunded = false
  save(ctx, refund, charge)
  emit(ctx, { type: 'refund.updated', object: refund, previous })
  emit(ctx, { type: 'charge.refund.updated', object: refund, previous })
  emit(ctx, { type: 'refund.failed', object: refund })
}

function save(ctx: Ctx, refund: Stripe.Refund, charge: Stripe.Charge): void {
  const paymentIntent = typeof charge.payment_intent === 'string' ? charge.payment_intent : null
  ctx.store.put(refund, { charge: charge.id, payment_intent: paymentIntent })
  ctx.store.put(charge, { payment_intent: paymentIntent })
}
