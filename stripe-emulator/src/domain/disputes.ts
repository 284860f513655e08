import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import type { Ctx } from './context'
import { emit } from './events'
import { newDispute } from './objects'

/** pm_card_createDispute: the cardholder disputes the payment right after it succeeds. */
export function openDispute(ctx: Ctx, charge: Stripe.Charge): Stripe.Dispute {
  const dispute = newDispute(charge, ctx.store.now())
  charge.disputed = true
  ctx.store.put(charge, { payment_intent: dispute.payment_intent as string | null })
  ctx.store.put(dispute, { charge: charge.id, payment_intent: dispute.payment_intent as string | null })
  emit(ctx, { type: 'charge.dispute.created', object: dispute })
  return dispute
}

export function closeDispute(ctx: Ctx, dispute: Stripe.Dispute, outcome: 'won' | 'lost'): Stripe.Dispute {
  if (dispute.status === 'won' || dispute.status === 'lost') {
    throw invalidRequest(`Dispute ${dispute.id} is already closed (${dispute.status}).`)
  }
  const previous = { status: dispute.status }
  Object.assign(dispute, { status: outcome, is_charge_refundable: false })
  ctx.store.put(dispute, {
    charge: dispute.charge as string,
    payment_intent: dispute.payment_intent as string | null,
  })
  emit(ctx, { type: 'charge.dispute.closed', object: dispute, previous })
  return dispute
}
