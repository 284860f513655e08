import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { payoutAccounts } from '../../adapters/d1/schema'
import { refreshAccount } from '../payouts/payout-accounts'
import { unknownObject, type EventRef, type WebhookDeps, type WebhookOutcome } from './event-support'

/*
 * Events of connected accounts (POST /api/webhooks/stripe-connect): each carries `account`, the owner's
 * account it happened on.
 */

/**
 * account.updated, capability.updated, and the owner's own payouts to their bank (payout.paid, .failed): the
 * account is re-read from Stripe (an event is only a signal; a late or repeated one applies the current
 * truth) and kept with the event in one batch; when it can receive transfers again, its owner's failed
 * payouts are scheduled again in that batch.
 */
export async function accountEvent(
  deps: WebhookDeps,
  event: Stripe.Event,
  ref: EventRef,
): Promise<WebhookOutcome> {
  const object = event.data.object as { id: string; object: string }
  const accountId = event.account ?? (object.object === 'account' ? object.id : undefined)
  const ours = accountId
    ? await deps.db.query.payoutAccounts.findFirst({ where: eq(payoutAccounts.stripeAccountId, accountId) })
    : undefined
  if (!ours || !accountId) return unknownObject(deps, ref, accountId ?? object.id)
  if (event.type === 'payout.failed') {
    const payout = event.data.object as Stripe.Payout
    deps.logger.warn("an owner's payout to their bank failed", {
      user_id: ours.userId,
      account_id: accountId,
      payout_id: payout.id,
      failure_code: payout.failure_code,
    })
  }
  await refreshAccount(deps, accountId, 'webhook', ref)
  return 'applied'
}
