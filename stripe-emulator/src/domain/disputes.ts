import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import type { Ctx } from './context'
import { emit } from './events'
import { newDispute } from './objects'

/**
 * The cardholder disputes a captured charge: pm_card_createDispute right after it succeeds, or any captured
 * charge later through the dispute control (a bank's chargeback arrives when it arrives).
 */
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

/** The dispute control's checks: only a captured charge, not refunded in full and not disputed yet, is. */
export function disputeCharge(ctx: Ctx, charge: Stripe.Charge): Stripe.Dispute {
  if (!charge.captured || charge.amount_captured === 0) {
    throw invalidRequest(`Charge ${charge.id} has not been captured: there is nothing to dispute.`)
  }
  if (charge.disputed)
    throw invalidRequest(`Charge ${charge.id} has already been disputed.`, { code: 'charge_disputed' })
  if (charge.refunded)
    throw invalidRequest(`Charge ${charge.id} has been refunded in full.`, {
      code: 'charge_already_refunded',
    })
  return openDispute(ctx, charge)
}
