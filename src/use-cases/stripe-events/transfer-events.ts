import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { payouts } from '../../adapters/d1/schema'
import { callStripe } from '../../adapters/stripe/client'
import { recordRelease, syncPayout } from '../payouts/payout-transfers'
import {
  recordOnly,
  unknownObject,
  type EventRef,
  type WebhookDeps,
  type WebhookOutcome,
} from './event-support'

/**
 * transfer.created, .updated and .reversed (the platform's own events) of a payout's transfers: the transfer
 * is re-read, and a release whose answer the cron never got is recorded; otherwise what Stripe holds of the
 * payout (sent, reversed, given back) is. Transfers Backline did not make are recorded and ignored.
 */
export async function transferEvent(
  deps: WebhookDeps,
  object: Stripe.Transfer,
  ref: EventRef,
): Promise<WebhookOutcome> {
  const payoutId = object.metadata?.payout_id
  const payout = payoutId
    ? await deps.db.query.payouts.findFirst({ where: eq(payouts.id, payoutId) })
    : undefined
  if (!payout) return unknownObject(deps, ref, object.id)
  // The cron records its release before Stripe's report of it arrives: nothing to read back from Stripe.
  if (ref.type === 'transfer.created' && object.id === payout.stripeTransferId) {
    await recordOnly(deps.db, ref, object.id)
    return 'applied'
  }
  // Released: syncPayout lists the payout's transfers from Stripe itself, so this one need not be read first.
  const transfer = payout.releasedAt
    ? undefined
    : await callStripe(() => deps.stripe.transfers.retrieve(object.id))
  if (transfer && transfer.metadata?.kind !== 'give_back') {
    await recordRelease(deps, payout.id, transfer, 'webhook', ref)
  } else {
    await syncPayout(deps, payout, { ...ref, objectId: object.id })
  }
  return 'applied'
}
