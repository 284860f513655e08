import { sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { runBatch } from '../../adapters/d1/client'
import { nowIso } from '../../lib/time'
import { recordEventStatement, statusFromRefunds } from '../../adapters/d1/payment-statements'
import { transition } from '../../adapters/d1/transitions'
import { disputePayoutStatements } from '../../adapters/d1/payout-statements'
import { settlePayoutOf } from '../payouts/settle-after'
import { callStripe, idOf } from '../../adapters/stripe/client'
import {
  catchUpWithIntent,
  findPayment,
  unknownObject,
  type WebhookDeps,
  type WebhookOutcome,
} from './event-support'

/** Where a dispute's status leaves the payment (https://docs.stripe.com/api/disputes/object#dispute_object-status). */
function disputeOutcome(status: Stripe.Dispute.Status): 'open' | 'resolved' | 'lost' {
  if (status === 'lost') return 'lost'
  // Won, an inquiry closed without a chargeback, or a dispute prevented: no money left the platform.
  if (status === 'won' || status === 'warning_closed' || status === 'prevented') return 'resolved'
  // needs_response, under_review, warning_*, appeal_*, and statuses Stripe may add later.
  return 'open'
}

/**
 * A dispute freezes the payment (`disputed`); when it is resolved in our favour the payment returns to what
 * its refunds make it, and when it is lost it stays (or, if `created` never arrived, becomes) disputed: the
 * money went back through the card network, so it can no longer be refunded.
 * The dispute is re-read from Stripe, so a late `created` after `closed` does not reopen it.
 */
export async function applyDispute(
  deps: WebhookDeps,
  object: Stripe.Dispute,
  ref: { id: string; type: string },
): Promise<WebhookOutcome> {
  const intentId = idOf(object.payment_intent)
  const found = intentId ? await findPayment(deps.db, intentId) : undefined
  if (!found || !intentId) return unknownObject(deps, ref, object.id)
  const payment = await catchUpWithIntent(deps, found, intentId)
  const dispute = await callStripe(() => deps.stripe.disputes.retrieve(object.id))
  const now = nowIso()
  const outcome = disputeOutcome(dispute.status)
  const detail = `dispute ${dispute.id}: ${dispute.status}`
  // Open or lost, the payment is (or becomes, when `created` was missed) disputed; resolved, it goes back.
  const resolved = outcome === 'resolved'
  await runBatch(deps.db, [
    recordEventStatement(deps.db, { ...ref, objectId: dispute.id }, now),
    ...transition(deps.db, 'payment', {
      where: sql`id = ${payment.id}`,
      on: resolved ? 'dispute_won' : 'dispute',
      to: resolved ? statusFromRefunds(sql`amount_refunded`) : 'disputed',
      source: 'webhook',
      now,
      detail,
    }),
    // Open or lost, the owner's share of the disputed amount is withheld (held before release, reversed after).
    ...disputePayoutStatements(
      deps.db,
      { paymentId: payment.id, id: dispute.id, amount: dispute.amount, state: outcome },
      now,
    ),
  ])
  await settlePayoutOf(deps, payment.id, 'webhook')
  if (outcome === 'lost') {
    deps.logger.warn('dispute lost', {
      payment_id: payment.id,
      dispute_id: dispute.id,
      amount: dispute.amount,
    })
  }
  return 'applied'
}
