import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { prepare, runBatchNamed, selectRows } from '../../adapters/d1/client'
import {
  capturedStatusSql,
  claimCapturedSet,
  collectionFailedStatements,
  supersedeCurrentStatement,
} from '../../adapters/d1/deposit-statements'
import { recordEventStatement } from '../../adapters/d1/payment-statements'
import { scheduleClaimPayoutStatements } from '../../adapters/d1/payout-statements'
import {
  damageClaims,
  depositIntents,
  deposits,
  type DamageClaim,
  type Deposit,
  type DepositIntent,
} from '../../adapters/d1/schema'
import { transition } from '../../adapters/d1/transitions'
import { callStripe, idOf, type StripeClient } from '../../adapters/stripe/client'
import { cancelIntent } from '../../adapters/stripe/intents'
import { depositIntentOutcome, type DepositIntentOutcome } from '../../domain/deposits'
import type { Trigger } from '../../domain/state-machines'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'

/*
 * Every Stripe outcome of a deposit's PaymentIntent (a hold, a fresh hold, the renter's on-session
 * authorization, a capture, an off-session charge for a claim, an expiry) is applied by applyDepositIntent,
 * whoever reports it: the request or cron that made the Stripe call, a webhook, or the cron's replay.
 */

/** What the deposit use cases take of the services. */
export type DepositDeps = Pick<Services, 'db' | 'stripe' | 'logger' | 'settings' | 'clock'>

/** The idempotency key of an attempt: one per deposit and attempt, so a retry never holds or charges twice. */
export const attemptKey = (depositId: string, attempt: number) =>
  `backline:deposit:${depositId}:attempt:${attempt}`

/** A deposit's PaymentIntent with its latest charge, whose capture_before says until when a hold lasts. */
export const retrieveDepositIntent = (stripe: StripeClient, intentId: string) =>
  callStripe(() => stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge'] }))

export interface ApplyDepositIntent {
  deposit: Deposit
  /** The attempt the intent was made by. */
  attempt: DepositIntent
  intent: Stripe.PaymentIntent
  source: Trigger
  actorId?: string | null
  /** When the intent came with a webhook event: recorded in the same batch, so the event applies once. */
  event?: { id: string; type: string }
}

const HOUR = 3_600_000
/** A fresh hold that the card refused is tried again this long after (the old hold still holds meanwhile). */
export const REHOLD_RETRY_MS = HOUR
/**
 * Used only when Stripe gives no capture_before for a hold: the shortest window card networks give an online
 * authorization (Visa, merchant-initiated: 4 days 18 hours), so that a fresh hold comes early rather than late.
 */
const SHORTEST_HOLD_MS = (4 * 24 + 18) * HOUR

/**
 * Applies what Stripe says of one of a deposit's intents to the deposit, and to its claim when money was taken,
 * in one D1 batch; each statement is conditional on the rows being as the move starts from, so repeated, late
 * and concurrent reports change nothing twice. An intent the deposit does not want (a hold placed as the
 * deposit was released, a fresh hold no better than the current one, a declined one) is marked superseded and
 * canceled at Stripe. Returns the deposit and its claim as stored after.
 */
export async function applyDepositIntent(
  deps: DepositDeps,
  change: ApplyDepositIntent,
): Promise<{ deposit: Deposit; claim: DamageClaim | undefined }> {
  const { db } = deps
  const { deposit, attempt, intent } = change
  const now = nowIso(deps.clock())
  const outcome = await withCaptureBefore(deps, depositIntentOutcome(intent), intent)
  const statements: D1PreparedStatement[] = []
  if (change.event) statements.push(recordEventStatement(db, { ...change.event, objectId: intent.id }, now))
  statements.push(
    prepare(
      db,
      sql`UPDATE deposit_intents SET stripe_payment_intent_id = ${intent.id}, updated_at = ${now}
      WHERE id = ${attempt.id} AND stripe_payment_intent_id IS NULL`,
    ),
  )
  const move = { deposit, attempt, intent, now, source: change.source, actorId: change.actorId ?? null }
  if (outcome) statements.push(...outcomeStatements(deps, move, outcome))
  // Neither the deposit's hold nor the intent it waits on the renter with: canceled (by the cron, or just below).
  statements.push(
    prepare(
      db,
      sql`UPDATE deposit_intents SET superseded_at = ${now}, updated_at = ${now}
      WHERE id = ${attempt.id} AND superseded_at IS NULL AND closed_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM deposits WHERE id = ${deposit.id} AND stripe_payment_intent_id = ${intent.id}
          AND status IN ('held', 'action_required'))`,
    ),
  )
  const read = await runBatchNamed(db, statements, {
    deposit: selectRows(db, deposits, sql`id = ${deposit.id}`),
    claim: selectRows(db, damageClaims, sql`deposit_id = ${deposit.id}`),
  })
  await cancelSupersededIntents(deps, { depositId: deposit.id })
  return {
    deposit: read.deposit.results[0] as Deposit,
    claim: read.claim.results[0] as DamageClaim | undefined,
  }
}

interface Move {
  deposit: Deposit
  attempt: DepositIntent
  intent: Stripe.PaymentIntent
  now: string
  source: Trigger
  actorId: string | null
}

type Outcome = NonNullable<DepositIntentOutcome>

function outcomeStatements(deps: DepositDeps, move: Move, outcome: Outcome): D1PreparedStatement[] {
  switch (outcome.kind) {
    case 'held':
      return move.attempt.purpose === 'hold' ? heldStatements(deps, move, outcome) : []
    case 'needs_renter':
      return move.attempt.purpose === 'hold'
        ? needsRenterStatements(deps, move, outcome)
        : collectionFailed(deps, move, outcome)
    case 'collected':
      return collectedStatements(deps, move, outcome.amount)
    case 'expired':
    case 'canceled':
      return [
        closeStatement(deps, move),
        ...(move.attempt.purpose === 'hold' ? lapsedStatements(deps, move, outcome.kind) : []),
        ...(move.attempt.purpose === 'collect' && outcome.kind === 'canceled'
          ? collectionFailed(deps, move, {
              code: 'canceled',
              message: 'The off-session charge was canceled',
            })
          : []),
      ]
  }
}

/** This intent is the deposit's current one. */
const isCurrent = (intent: Stripe.PaymentIntent) => sql`stripe_payment_intent_id = ${intent.id}`

/** The deposit's current intent, if any, is of an earlier attempt than this one (or is this one). */
const currentNoLaterThan = (move: Move) =>
  sql`(stripe_payment_intent_id IS NULL OR stripe_payment_intent_id = ${move.intent.id}
    OR COALESCE((SELECT attempt FROM deposit_intents WHERE deposit_intents.stripe_payment_intent_id
      = deposits.stripe_payment_intent_id), 0) < ${move.attempt.attempt})`

const closeStatement = ({ db }: DepositDeps, move: Move) =>
  prepare(
    db,
    sql`UPDATE deposit_intents SET closed_at = ${move.now}, updated_at = ${move.now}
    WHERE id = ${move.attempt.id} AND closed_at IS NULL`,
  )

/**
 * A hold authorized. A scheduled deposit, or one waiting for the renter, is now held by it. A held deposit
 * takes it as its fresh hold only if it lasts longer than the current one, which is then canceled: only now
 * that the new hold stands, so the deposit is never without one.
 */
function heldStatements(
  deps: DepositDeps,
  move: Move,
  outcome: Extract<Outcome, { kind: 'held' }>,
): D1PreparedStatement[] {
  const { db } = deps
  const { deposit, intent, now } = move
  const expires = outcome.captureBefore!.toISOString()
  const set = sql`stripe_payment_intent_id = ${intent.id}, hold_expires_at = ${expires},
    stripe_payment_method_id = COALESCE(${outcome.paymentMethodId}, stripe_payment_method_id),
    failure_code = NULL, failure_message = NULL, retry_at = ''`
  const firstHold = sql`status IN ('scheduled', 'action_required') AND ${currentNoLaterThan(move)}`
  const fresher = sql`status = 'held' AND stripe_payment_intent_id <> ${intent.id}
    AND COALESCE(hold_expires_at, '') < ${expires}`
  return [
    supersedeCurrentStatement(
      db,
      deposit.id,
      sql`${firstHold} AND stripe_payment_intent_id <> ${intent.id}`,
      now,
    ),
    ...transition(db, 'deposit', {
      where: sql`id = ${deposit.id} AND ${currentNoLaterThan(move)}`,
      on: 'hold',
      to: 'held',
      source: move.source,
      now,
      actorId: move.actorId,
      detail: `${intent.id} until ${expires}`,
      set,
    }),
    supersedeCurrentStatement(db, deposit.id, fresher, now),
    ...transition(db, 'deposit', {
      where: sql`id = ${deposit.id} AND ${fresher}`,
      on: 'rehold',
      // A self-move (held → held), so that the audit trail records each fresh hold.
      to: sql`'held'`,
      source: move.source,
      now,
      detail: `${intent.id} until ${expires}`,
      set,
    }),
  ]
}

/**
 * The card could not be held without the renter (declined, or the bank wants them to authenticate). A
 * scheduled deposit now waits for the renter with this intent; one already waiting takes this later intent
 * instead of its earlier one. A held deposit keeps its current hold, and the cron tries a fresh one later.
 */
function needsRenterStatements(
  { db }: DepositDeps,
  move: Move,
  outcome: Extract<Outcome, { kind: 'needs_renter' }>,
): D1PreparedStatement[] {
  const { deposit, intent, now } = move
  const set = sql`stripe_payment_intent_id = ${intent.id}, failure_code = ${outcome.code},
    failure_message = ${outcome.message}`
  const waiting = sql`status = 'action_required' AND ${currentNoLaterThan(move)}`
  return [
    ...transition(db, 'deposit', {
      where: sql`id = ${deposit.id} AND ${currentNoLaterThan(move)}`,
      on: 'action',
      to: 'action_required',
      source: move.source,
      now,
      actorId: move.actorId,
      detail: outcome.code,
      set,
    }),
    supersedeCurrentStatement(
      db,
      deposit.id,
      sql`${waiting} AND stripe_payment_intent_id <> ${intent.id}`,
      now,
    ),
    prepare(db, sql`UPDATE deposits SET ${set}, updated_at = ${now} WHERE id = ${deposit.id} AND ${waiting}`),
    prepare(
      db,
      sql`UPDATE deposits SET retry_at = ${new Date(Date.parse(now) + REHOLD_RETRY_MS).toISOString()},
        updated_at = ${now}
      WHERE id = ${deposit.id} AND status = 'held' AND stripe_payment_intent_id <> ${intent.id}`,
    ),
  ]
}

/** Stripe let the current hold expire, or it was canceled outside Backline: the deposit is lapsed. */
function lapsedStatements({ db }: DepositDeps, move: Move, kind: 'expired' | 'canceled') {
  return transition(db, 'deposit', {
    where: sql`id = ${move.deposit.id} AND ${isCurrent(move.intent)}`,
    on: 'expire',
    to: 'lapsed',
    source: move.source,
    now: move.now,
    detail:
      kind === 'expired'
        ? `${move.intent.id} expired`
        : `${move.intent.id} canceled outside Backline (${move.intent.cancellation_reason ?? 'no reason'})`,
  })
}

/**
 * Money taken: a capture of the current hold (the rest is released), or an off-session charge for a claim.
 * The deposit records what was taken; the claim being collected is captured, its fee split in SQL.
 */
function collectedStatements(deps: DepositDeps, move: Move, amount: number): D1PreparedStatement[] {
  const { db } = deps
  const { deposit, attempt, intent, now } = move
  const fromHold = attempt.purpose === 'hold'
  const claimWhere = fromHold
    ? sql`deposit_id = ${deposit.id}`
    : sql`deposit_id = ${deposit.id} AND id = ${attempt.claimId}`
  return [
    closeStatement(deps, move),
    // Captured from a hold a fresh one replaced meanwhile (a capture racing the cron's renewal): the money is
    // taken all the same, so the fresh hold is the one to cancel.
    supersedeCurrentStatement(
      db,
      deposit.id,
      sql`status = 'held' AND stripe_payment_intent_id <> ${intent.id}`,
      now,
    ),
    ...transition(db, 'deposit', {
      where: sql`id = ${deposit.id}`,
      on: fromHold ? 'capture' : 'collect',
      to: capturedStatusSql(amount),
      source: move.source,
      now,
      actorId: move.actorId,
      detail: `${amount} ${intent.currency} ${fromHold ? 'captured from' : 'charged off-session by'} ${intent.id}`,
      set: sql`captured_amount = ${amount}, stripe_payment_intent_id = ${intent.id},
        released_at = CASE WHEN ${amount} < amount THEN ${now} ELSE NULL END, failure_code = NULL,
        failure_message = NULL`,
    }),
    ...transition(db, 'claim', {
      where: claimWhere,
      on: 'capture',
      to: 'captured',
      source: move.source,
      now,
      actorId: move.actorId,
      detail: intent.id,
      set: claimCapturedSet(amount, idOf(intent.latest_charge) ?? null, now),
    }),
    // The owner's share goes to the owner (docs/DEPOSITS.md), unless owners are paid another way.
    ...(deps.settings.OWNER_PAYOUTS === 'off'
      ? []
      : scheduleClaimPayoutStatements(db, {
          id: newId('pyo'),
          depositId: deposit.id,
          policy: deps.settings.REFUND_FEE_POLICY,
          source: move.source,
          now,
        })),
  ]
}

/** The off-session charge for a claim failed: the claim is collection_failed, and the deposit failed. */
const collectionFailed = (
  { db }: DepositDeps,
  move: Move,
  failure: { code: string; message: string },
): D1PreparedStatement[] =>
  collectionFailedStatements(db, {
    ...failure,
    depositId: move.deposit.id,
    claimId: move.attempt.claimId!,
    source: move.source,
    actorId: move.actorId,
    now: move.now,
  })

/** A hold's outcome with its expiry read from its charge (retrieved when the intent came without it). */
async function withCaptureBefore(
  deps: DepositDeps,
  outcome: DepositIntentOutcome,
  intent: Stripe.PaymentIntent,
): Promise<DepositIntentOutcome> {
  if (outcome?.kind !== 'held' || outcome.captureBefore) return outcome
  // An expanded charge without capture_before would come back the same: only an id is worth a retrieve.
  const latest = intent.latest_charge
  const charge =
    typeof latest === 'string' ? await callStripe(() => deps.stripe.charges.retrieve(latest)) : latest
  const seconds = charge?.payment_method_details?.card?.capture_before
  if (typeof seconds === 'number') return { ...outcome, captureBefore: new Date(seconds * 1000) }
  deps.logger.warn('a deposit hold came without capture_before; assuming the shortest card window', {
    payment_intent_id: intent.id,
  })
  const authorized = (charge?.created ?? intent.created) * 1000
  return { ...outcome, captureBefore: new Date(authorized + SHORTEST_HOLD_MS) }
}

/**
 * Cancels at Stripe the intents Backline no longer wants (superseded: replaced by a fresher hold, the deposit
 * released, a declined attempt), each recorded closed once Stripe holds nothing on it. A failure is left to the
 * cron's next run. Returns how many it closed.
 */
export async function cancelSupersededIntents(
  deps: DepositDeps,
  scope: { depositId?: string; limit?: number } = {},
): Promise<number> {
  const rows = await deps.db
    .select()
    .from(depositIntents)
    .where(
      and(
        isNotNull(depositIntents.supersededAt),
        isNull(depositIntents.closedAt),
        isNotNull(depositIntents.stripePaymentIntentId),
        scope.depositId ? eq(depositIntents.depositId, scope.depositId) : undefined,
      ),
    )
    .limit(scope.limit ?? 10)
  let closed = 0
  for (const row of rows) {
    try {
      const intent = await cancelIntent(deps.stripe, row.stripePaymentIntentId!)
      if (intent.status !== 'canceled' && intent.status !== 'succeeded') continue
      await deps.db
        .update(depositIntents)
        .set({ closedAt: nowIso(deps.clock()), updatedAt: nowIso(deps.clock()) })
        .where(and(eq(depositIntents.id, row.id), isNull(depositIntents.closedAt)))
      closed++
    } catch (error) {
      deps.logger.warn('could not cancel a superseded deposit intent; the cron will retry', {
        deposit_id: row.depositId,
        payment_intent_id: row.stripePaymentIntentId,
        error: String(error),
      })
    }
  }
  return closed
}

/** The attempt an intent was made by: by its recorded id, else by its metadata (an answer never recorded). */
export async function attemptOfIntent(
  deps: Pick<Services, 'db'>,
  intent: { id: string; metadata?: Stripe.Metadata | null },
): Promise<DepositIntent | undefined> {
  const byId = await deps.db.query.depositIntents.findFirst({
    where: eq(depositIntents.stripePaymentIntentId, intent.id),
  })
  return byId ?? attemptOfMetadata(deps, intent.metadata)
}

/** The attempt an intent's metadata names (deposit_id, attempt), if no other intent is linked to it yet. */
export async function attemptOfMetadata(
  deps: Pick<Services, 'db'>,
  metadata: Stripe.Metadata | null | undefined,
): Promise<DepositIntent | undefined> {
  const depositId = metadata?.deposit_id
  const attempt = Number(metadata?.attempt)
  if (!depositId || !Number.isInteger(attempt)) return undefined
  const byAttempt = await deps.db.query.depositIntents.findFirst({
    where: and(eq(depositIntents.depositId, depositId), eq(depositIntents.attempt, attempt)),
  })
  // An attempt linked to another intent already is not this one's.
  return byAttempt && byAttempt.stripePaymentIntentId === null ? byAttempt : undefined
}

/** Re-reads one of a deposit's intents from Stripe and applies it (webhooks, the cron). */
export async function refreshDepositIntent(
  deps: DepositDeps,
  attempt: DepositIntent,
  intentId: string,
  source: Trigger,
  event?: { id: string; type: string },
) {
  const intent = await retrieveDepositIntent(deps.stripe, intentId)
  const deposit = await deps.db.query.deposits.findFirst({ where: eq(deposits.id, attempt.depositId) })
  if (!deposit) throw new Error(`deposit ${attempt.depositId} of ${intentId} not found`)
  return applyDepositIntent(deps, { deposit, attempt, intent, source, event })
}
