import { eq, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { runBatch } from '../../adapters/d1/client'
import { nowIso } from '../../lib/time'
import { recordEventStatement, statusFromRefunds } from '../../adapters/d1/payment-statements'
import { transition } from '../../adapters/d1/transitions'
import {
  disputePayoutStatements,
  type DisputeState,
  type PayoutOf,
} from '../../adapters/d1/payout-statements'
import { damageClaims } from '../../adapters/d1/schema'
import { settlePayoutOf } from '../payouts/settle-after'
import { attemptOfIntent, attemptOfMetadata, refreshDepositIntent } from '../deposits/deposit-intents'
import { callStripe, idOf } from '../../adapters/stripe/client'
import {
  catchUpWithIntent,
  findPayment,
  unknownObject,
  type WebhookDeps,
  type WebhookOutcome,
} from './event-support'

/** Where a dispute's status leaves the payment (https://docs.stripe.com/api/disputes/object#dispute_object-status). */
function disputeOutcome(status: Stripe.Dispute.Status): DisputeState {
  if (status === 'lost') return 'lost'
  // Won, an inquiry closed without a chargeback, or a dispute prevented: no money left the platform.
  if (status === 'won' || status === 'warning_closed' || status === 'prevented') return 'resolved'
  // needs_response, under_review, warning_*, appeal_*, and statuses Stripe may add later.
  return 'open'
}

/**
 * A dispute freezes the payment (`disputed`); when it is resolved in our favour the payment returns to what
 * its refunds make it, and when it is lost it stays (or, if `created` never arrived, becomes) disputed: the
 * money went back through the card network, so it can no longer be refunded. A dispute of a damage claim's
 * charge (its captured hold, or the off-session charge that collected it) changes no status: it withholds the
 * disputed part of the owner's share of the claim, as a payment's does.
 * The dispute is re-read from Stripe, so a late `created` after `closed` does not reopen it.
 */
export async function applyDispute(
  deps: WebhookDeps,
  object: Stripe.Dispute,
  ref: { id: string; type: string },
): Promise<WebhookOutcome> {
  const intentId = idOf(object.payment_intent)
  const found = intentId ? await findPayment(deps.db, intentId) : undefined
  if (found && intentId) {
    const payment = await catchUpWithIntent(deps, found, intentId)
    return withheldFromOwner(
      deps,
      object,
      ref,
      { kind: 'rental', id: payment.id },
      (dispute, outcome, now) => {
        // Open or lost, the payment is (or becomes, when `created` was missed) disputed; resolved, it goes back.
        const resolved = outcome === 'resolved'
        return transition(deps.db, 'payment', {
          where: sql`id = ${payment.id}`,
          on: resolved ? 'dispute_won' : 'dispute',
          to: resolved ? statusFromRefunds(sql`amount_refunded`) : 'disputed',
          source: 'webhook',
          now,
          detail: `dispute ${dispute.id}: ${dispute.status}`,
        })
      },
    )
  }
  const chargeId = idOf(object.charge)
  const claim = chargeId ? await claimOfCharge(deps, chargeId, intentId) : undefined
  if (claim) return withheldFromOwner(deps, object, ref, { kind: 'damage_claim', id: claim.id }, () => [])
  return unknownObject(deps, ref, object.id)
}

/**
 * The damage claim that `chargeId` collected, if any. A dispute can overtake the report of that capture (its
 * answer lost, its webhooks late): when the charge's intent is one of a deposit's, it is applied first, as the
 * deposit's own events would apply it (recording the claim's charge), and the claim is looked for again.
 */
async function claimOfCharge(deps: WebhookDeps, chargeId: string, intentId: string | undefined) {
  const find = () =>
    deps.db.query.damageClaims.findFirst({ where: eq(damageClaims.stripeChargeId, chargeId) })
  const found = await find()
  if (found || !intentId) return found
  // By the intent's id when Backline knows it; only an attempt whose answer was lost needs Stripe's metadata.
  const attempt =
    (await attemptOfIntent(deps, { id: intentId })) ??
    (await attemptOfMetadata(
      deps,
      (await callStripe(() => deps.stripe.paymentIntents.retrieve(intentId))).metadata,
    ))
  if (!attempt) return undefined
  await refreshDepositIntent(deps, attempt, intentId, 'webhook')
  return find()
}

/**
 * The dispute as Stripe holds it now, applied in one batch with its event: what `moves` writes of it, and the
 * disputed part of the owner's share withheld from the payout of `of` (held before release, reversed after,
 * given back when won); a released payout is then brought to it at Stripe.
 */
async function withheldFromOwner(
  deps: WebhookDeps,
  object: Stripe.Dispute,
  ref: { id: string; type: string },
  of: PayoutOf,
  moves: (dispute: Stripe.Dispute, outcome: DisputeState, now: string) => readonly D1PreparedStatement[],
): Promise<WebhookOutcome> {
  const dispute = await callStripe(() => deps.stripe.disputes.retrieve(object.id))
  const now = nowIso()
  const outcome = disputeOutcome(dispute.status)
  await runBatch(deps.db, [
    recordEventStatement(deps.db, { ...ref, objectId: dispute.id }, now),
    ...moves(dispute, outcome, now),
    ...disputePayoutStatements(deps.db, { of, id: dispute.id, amount: dispute.amount, state: outcome }, now),
  ])
  await settlePayoutOf(deps, of, 'webhook')
  if (outcome === 'lost') {
    deps.logger.warn('dispute lost', {
      [of.kind === 'rental' ? 'payment_id' : 'damage_claim_id']: of.id,
      dispute_id: dispute.id,
      amount: dispute.amount,
    })
  }
  return 'applied'
}
