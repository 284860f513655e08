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

/**
 * Returns the refund as created. pm_card_refundFail refunds fail straight after (Stripe reports that later);
 * pm_card_pendingRefund refunds stay pending until `POST /_emulator/refunds/:id/settle`.
 */
export function createRefund(ctx: Ctx, request: RefundRequest): Stripe.Refund {
  const { charge } = request
  const amount = request.amount ?? charge.amount - charge.amount_refunded
  assertRefundable(charge, amount)
  const behaviour = cardOf(ctx.store, charge.payment_method)?.behaviour
  const status = behaviour === 'refund_pending' ? 'pending' : 'succeeded'
  const refund = newRefund({ ...request, amount, status, created: ctx.store.now() })
  // Stripe counts a pending refund in amount_refunded; only a failure gives the amount back.
  charge.amount_refunded += amount
  recomputeRefunded(charge)
  saveRefund(ctx, refund, charge)
  emit(ctx, { type: 'refund.created', object: refund })
  emit(ctx, { type: 'charge.refunded', object: charge })
  const created = structuredClone(refund)
  if (behaviour === 'refund_fail') failRefund(ctx, refund, charge)
  return created
}

/** Ends a pending refund (pm_card_pendingRefund), as Stripe does some time after creating it. */
export function settleRefund(
  ctx: Ctx,
  refund: Stripe.Refund,
  charge: Stripe.Charge,
  outcome: 'succeed' | 'fail',
): Stripe.Refund {
  if (refund.status !== 'pending') {
    throw invalidRequest(
      `Refund ${refund.id} cannot be settled because it has a status of ${refund.status}; only a pending refund can.`,
    )
  }
  if (outcome === 'succeed') succeedRefund(ctx, refund, charge)
  else failRefund(ctx, refund, charge)
  return refund
}

function succeedRefund(ctx: Ctx, refund: Stripe.Refund, charge: Stripe.Charge): void {
  const previous = { status: refund.status }
  refund.status = 'succeeded'
  saveRefund(ctx, refund, charge)
  emit(ctx, { type: 'refund.updated', object: refund, previous })
  emit(ctx, { type: 'charge.refund.updated', object: refund, previous })
}

function failRefund(ctx: Ctx, refund: Stripe.Refund, charge: Stripe.Charge): void {
  const previous = { status: refund.status }
  Object.assign(refund, {
    status: 'failed',
    failure_reason: 'expired_or_canceled_card',
    failure_balance_transaction: newId('txn'),
  })
  charge.amount_refunded -= refund.amount
  recomputeRefunded(charge)
  saveRefund(ctx, refund, charge)
  emit(ctx, { type: 'refund.updated', object: refund, previous })
  emit(ctx, { type: 'charge.refund.updated', object: refund, previous })
  emit(ctx, { type: 'refund.failed', object: refund })
}

export function recomputeRefunded(charge: Stripe.Charge): void {
  charge.refunded = charge.amount_refunded >= charge.amount
}

/** Stores the refund and its charge, linked so that lists filter by charge and payment_intent. */
export function saveRefund(ctx: Ctx, refund: Stripe.Refund, charge: Stripe.Charge): void {
  const paymentIntent = typeof charge.payment_intent === 'string' ? charge.payment_intent : null
  ctx.store.put(refund, { charge: charge.id, payment_intent: paymentIntent })
  ctx.store.put(charge, { payment_intent: paymentIntent })
}
