import { sql } from 'drizzle-orm'
import Stripe from 'stripe'
import { prepare, runBatch, runBatchNamed, selectRows } from '../../adapters/d1/client'
import {
  failPayoutStatements,
  recordTransfersStatements,
  releasePayoutStatements,
  sourceChargeStatement,
  sourceOf,
} from '../../adapters/d1/payout-statements'
import { recordEventStatement } from '../../adapters/d1/payment-statements'
import { payoutAccounts, payouts, type Payout } from '../../adapters/d1/schema'
import { callStripe, idOf } from '../../adapters/stripe/client'
import type { Trigger } from '../../domain/state-machines'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'

/*
 * A payout's money at Stripe: the release (a Transfer to the owner's connected account, from the charge of the
 * payment or the damage claim it pays), then what follows the owner's share: reversals of it, and new transfers
 * that give back what a won dispute had taken. Every Stripe call has an idempotency key derived from the payout, and what Stripe holds
 * (the payout's transfers, found by their transfer group and metadata) is read before acting, so a lost answer
 * or a second worker never sends money twice.
 */

type Deps = Pick<Services, 'db' | 'stripe' | 'logger'>

/** Metadata of the transfers Backline makes: which payout, and whether it releases it or gives back. */
type TransferKind = 'release' | 'give_back'

const releaseKey = (payout: Pick<Payout, 'id' | 'attempt'>) =>
  `backline:payout:${payout.id}:transfer:${payout.attempt}`

/** The transfers Backline made for a payout (its rental is their transfer group), oldest first. */
export async function transfersOf(deps: Deps, payout: Pick<Payout, 'id' | 'rentalId'>) {
  const list = await callStripe(() =>
    deps.stripe.transfers
      .list({ transfer_group: payout.rentalId, limit: 100 })
      .autoPagingToArray({ limit: 1_000 }),
  )
  return list.filter((transfer) => transfer.metadata?.payout_id === payout.id).reverse()
}

/** The source charge read by sourceChargeStatement (none: the transfer comes from the platform's balance). */
const chargeOf = (read: { results: unknown[] }) =>
  (read.results[0] as { chargeId: string | null } | undefined)?.chargeId ?? undefined

/**
 * A transfer of the payout's: to the owner's account, from its charge (the payment's, or the damage claim's),
 * in its rental's transfer group, its metadata naming the payout, what it pays for and what the transfer does.
 */
const transferParams = (
  payout: Payout,
  chargeId: string | undefined,
  transfer: { amount: number; destination: string; kind: TransferKind; description: string },
): Stripe.TransferCreateParams => ({
  amount: transfer.amount,
  currency: payout.currency,
  destination: transfer.destination,
  ...(chargeId ? { source_transaction: chargeId } : {}),
  transfer_group: payout.rentalId,
  description: transfer.description,
  metadata: {
    payout_id: payout.id,
    ...(payout.claimId ? { damage_claim_id: payout.claimId } : { payment_id: payout.paymentId }),
    kind: transfer.kind,
  },
})

const kindOf = (transfer: Stripe.Transfer): TransferKind =>
  transfer.metadata?.kind === 'give_back' ? 'give_back' : 'release'

/** Stripe's answer that will not change by asking again: the payout fails with it. */
const refusal = (error: unknown) =>
  error instanceof Stripe.errors.StripeInvalidRequestError ||
  error instanceof Stripe.errors.StripePermissionError

/**
 * Releases a due payout: its transfer, found at Stripe if an earlier try made it, else sent now with the key of
 * this try; then the conditional move to released (whoever records it first). Stripe's refusal (the account
 * lost its capability, was disabled or deleted) fails the payout with Stripe's code and message; an outage
 * throws and leaves it scheduled for the next run.
 */
export async function releasePayout(deps: Deps, payout: Payout): Promise<'released' | 'failed'> {
  const read = await runBatchNamed(deps.db, [], {
    account: selectRows(deps.db, payoutAccounts, sql`user_id = ${payout.ownerId}`),
    charge: sourceChargeStatement(deps.db, sourceOf(payout)),
  })
  const account = read.account.results[0] as { stripeAccountId: string } | undefined
  const chargeId = chargeOf(read.charge)
  if (!account) {
    return failPayout(
      deps,
      payout,
      'no_payout_account',
      'The owner has no payout account: create and onboard it',
    )
  }
  let transfer = (await transfersOf(deps, payout)).find((made) => kindOf(made) === 'release')
  if (!transfer) {
    try {
      transfer = await deps.stripe.transfers.create(
        transferParams(payout, chargeId, {
          amount: payout.amount,
          destination: account.stripeAccountId,
          kind: 'release',
          description: payout.claimId
            ? `Backline payout ${payout.id} for damage claim ${payout.claimId} of rental ${payout.rentalId}`
            : `Backline payout ${payout.id} for rental ${payout.rentalId}`,
        }),
        { idempotencyKey: releaseKey(payout) },
      )
    } catch (error) {
      // Another worker sent this try's transfer with another amount (a refund came in between): it stands.
      if (error instanceof Stripe.errors.StripeIdempotencyError) {
        transfer = (await transfersOf(deps, payout)).find((made) => kindOf(made) === 'release')
        if (!transfer) throw error
      } else if (refusal(error)) {
        const stripeError = error as Stripe.errors.StripeError
        return failPayout(deps, payout, stripeError.code ?? stripeError.type, stripeError.message)
      } else {
        throw error
      }
    }
  }
  await recordRelease(deps, payout.id, transfer, 'reconciler')
  return 'released'
}

/** A transfer that releases the payout, recorded (the cron's own answer, or transfer.created). */
export async function recordRelease(
  deps: Pick<Services, 'db'>,
  payoutId: string,
  transfer: Stripe.Transfer,
  source: Trigger,
  event?: { id: string; type: string },
) {
  const now = nowIso()
  const destination = idOf(transfer.destination)
  await runBatch(deps.db, [
    ...(event ? [recordEventStatement(deps.db, { ...event, objectId: transfer.id }, now)] : []),
    ...releasePayoutStatements(deps.db, {
      payoutId,
      transferId: transfer.id,
      accountId: destination ?? '',
      amount: transfer.amount,
      source,
      now,
    }),
  ])
}

async function failPayout(deps: Deps, payout: Payout, code: string, message: string) {
  await runBatch(
    deps.db,
    failPayoutStatements(deps.db, {
      payoutId: payout.id,
      attempt: payout.attempt,
      code,
      message: message.slice(0, 500),
      now: nowIso(),
    }),
  )
  deps.logger.warn('payout failed: Stripe refused the transfer', {
    payout_id: payout.id,
    owner_id: payout.ownerId,
    code,
  })
  return 'failed' as const
}

/** What Stripe holds of a payout: sent in all, taken back in all, and how many reversals and give-backs. */
async function heldAtStripe(deps: Deps, transfers: Stripe.Transfer[]) {
  let reversals = 0
  for (const transfer of transfers) {
    const embedded = transfer.reversals
    reversals += embedded?.has_more
      ? (
          await callStripe(() =>
            deps.stripe.transfers
              .listReversals(transfer.id, { limit: 100 })
              .autoPagingToArray({ limit: 10_000 }),
          )
        ).length
      : (embedded?.data.length ?? 0)
  }
  const kept = transfers.reduce((sum, transfer) => sum + transfer.amount - transfer.amount_reversed, 0)
  const giveBacks = transfers.filter((transfer) => kindOf(transfer) === 'give_back').length
  return { kept, reversals, giveBacks }
}

/**
 * What the payout's row says the owner keeps, brought to what Stripe holds: `amount` only grows (it becomes
 * what the owner keeps when a give-back passes it), and amount − amount_reversed is what they keep.
 */
function recordKept(
  deps: Pick<Services, 'db'>,
  payout: Payout,
  kept: number,
  source: Trigger,
  detail: string,
) {
  const amount = Math.max(payout.amount, kept)
  return recordTransfersStatements(deps.db, {
    payoutId: payout.id,
    seen: { amount: payout.amount, amountReversed: payout.amountReversed },
    amount,
    amountReversed: amount - kept,
    source,
    now: nowIso(),
    detail,
  })
}

/** A transfer.* event: what Stripe holds of the payout, recorded with the event (the event is only a signal). */
export async function syncPayout(
  deps: Deps,
  payout: Payout,
  event: { id: string; type: string; objectId: string },
) {
  const { kept } = await heldAtStripe(deps, await transfersOf(deps, payout))
  await runBatch(deps.db, [
    recordEventStatement(deps.db, event, nowIso()),
    ...recordKept(deps, payout, kept, 'webhook', `${event.type} ${event.objectId}`),
  ])
}

/** A worker that claimed a payout to settle it has this long before another may: its Stripe calls are short. */
const SETTLE_LEASE_MS = 60_000

/**
 * Claims a released payout for settling (settled_at is the claim: one worker at a time, for a minute at most,
 * until it gives the claim up), and returns it as stored; undefined when another worker holds it or it is not
 * released.
 */
async function claim(deps: Pick<Services, 'db'>, payoutId: string, now: Date): Promise<Payout | undefined> {
  const lapsed = new Date(now.getTime() - SETTLE_LEASE_MS).toISOString()
  const read = await runBatchNamed(
    deps.db,
    [
      prepare(
        deps.db,
        sql`UPDATE payouts SET settled_at = ${now.toISOString()}
        WHERE id = ${payoutId} AND released_at IS NOT NULL AND settled_at < ${lapsed}`,
      ),
    ],
    {
      claimed: prepare(deps.db, sql`SELECT changes() AS claimed`),
      payout: selectRows(deps.db, payouts, sql`id = ${payoutId}`),
    },
  )
  if ((read.claimed.results[0] as { claimed: number }).claimed !== 1) return undefined
  return read.payout.results[0] as Payout
}

export type SettleOutcome = 'settled' | 'busy' | 'refused'

/**
 * Brings what the owner keeps of a released payout at Stripe to what they are owed: reverses the difference
 * from its transfers (a refund or a dispute took part of their share), or gives it back with a new transfer
 * (a dispute was won). Keys: the n-th reversal or give-back of the payout, counted at Stripe, so a retry
 * after a lost answer finds the reversal already made and a later one gets a key of its own. Stripe's refusal
 * (the owner's balance cannot cover the reversal, say) leaves it unsettled for the next run.
 */
export async function settlePayout(
  deps: Deps,
  payoutId: string,
  source: Trigger,
  now = new Date(),
): Promise<SettleOutcome> {
  const payout = await claim(deps, payoutId, now)
  if (!payout) return 'busy'
  try {
    return await settleClaimed(deps, payout, source)
  } finally {
    await release(deps, payout.id, now)
  }
}

/** Gives a claim up once its work is done: the next settling (a refund a second later) need not wait. */
const release = (deps: Pick<Services, 'db'>, payoutId: string, claimedAt: Date) =>
  deps.db.$client
    .prepare('UPDATE payouts SET settled_at = ?1 WHERE id = ?2 AND settled_at = ?3')
    .bind(new Date(claimedAt.getTime() - SETTLE_LEASE_MS).toISOString(), payoutId, claimedAt.toISOString())
    .run()

async function settleClaimed(deps: Deps, payout: Payout, source: Trigger): Promise<SettleOutcome> {
  const transfers = await transfersOf(deps, payout)
  const held = await heldAtStripe(deps, transfers)
  let kept = held.kept
  let outcome: SettleOutcome = 'settled'
  if (kept !== payout.owed) {
    try {
      if (kept > payout.owed) await reverse(deps, payout, transfers, kept - payout.owed, held.reversals)
      else await giveBack(deps, payout, payout.owed - kept, held.giveBacks)
    } catch (error) {
      if (!refusal(error)) throw error
      outcome = 'refused'
      deps.logger.warn("could not bring a payout to the owner's share; the cron tries again", {
        payout_id: payout.id,
        owed: payout.owed,
        kept,
        error: (error as Error).message,
      })
    }
    // What Stripe holds now, whatever part of the above went through.
    kept = (await heldAtStripe(deps, await transfersOf(deps, payout))).kept
  }
  await runBatch(deps.db, recordKept(deps, payout, kept, source, `owed ${payout.owed}`))
  return outcome
}

/** Reverses `amount` from the payout's transfers, the release first. */
async function reverse(
  deps: Deps,
  payout: Payout,
  transfers: Stripe.Transfer[],
  amount: number,
  reversalsSoFar: number,
) {
  let left = amount
  let count = reversalsSoFar
  for (const transfer of transfers) {
    const room = transfer.amount - transfer.amount_reversed
    if (left === 0 || room === 0) continue
    const part = Math.min(left, room)
    count++
    await deps.stripe.transfers.createReversal(
      transfer.id,
      { amount: part, metadata: { payout_id: payout.id, owed: String(payout.owed) } },
      { idempotencyKey: `backline:payout:${payout.id}:reversal:${count}` },
    )
    left -= part
  }
}

/** Gives `amount` back to the owner with a new transfer from the payout's charge. */
async function giveBack(deps: Deps, payout: Payout, amount: number, giveBacksSoFar: number) {
  const chargeId = chargeOf(await sourceChargeStatement(deps.db, sourceOf(payout)).all())
  await deps.stripe.transfers.create(
    transferParams(payout, chargeId, {
      amount,
      destination: payout.stripeAccountId!,
      kind: 'give_back',
      description: `Backline payout ${payout.id}: given back`,
    }),
    { idempotencyKey: `backline:payout:${payout.id}:give-back:${giveBacksSoFar + 1}` },
  )
}
