import { eq, sql } from 'drizzle-orm'
import Stripe from 'stripe'
import { columnsAsKeys, prepare, runBatchNamed, selectRows } from '../../adapters/d1/client'
import { auditIfChanged } from '../../adapters/d1/audit'
import { collectionFailedStatements, OPEN_DEPOSIT_STATUSES } from '../../adapters/d1/deposit-statements'
import {
  damageClaims,
  depositIntents,
  deposits,
  type DamageClaim,
  type Deposit,
  type PayoutStatus,
} from '../../adapters/d1/schema'
import { transition } from '../../adapters/d1/transitions'
import { stripeFailure } from '../../adapters/stripe/client'
import {
  authorizeAdmin,
  authorizeClaim,
  authorizeRental,
  seesPayout,
  type Actor,
  type Parties,
} from '../../domain/access'
import { startOfDay } from '../../domain/cancellation-policies'
import { claimFeeBasisPoints, claimRespondBy } from '../../domain/deposits'
import type { Trigger } from '../../domain/state-machines'
import { ApiError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'
import { applyDepositIntent, attemptKey, refreshDepositIntent, type DepositDeps } from './deposit-intents'
import { beginAttempt, offSessionIntent } from './place-hold'
import { rentalWithDeposit } from './read-deposit'
import { releaseDepositNow } from './release-deposit'

/*
 * Damage claims (docs/DEPOSITS.md): the owner files one per rental within the claim window, for at most the
 * deposit; the renter accepts or contests it before respond_by (unanswered: accepted by the cron); an admin
 * decides a contested one. The accepted or decided amount is then collected: captured from the hold (the rest
 * released), or, with no hold (lapsed, never held), charged off-session to the saved card.
 */

export interface ClaimInput {
  amount: number
  description: string
  evidence_urls?: string[]
}

/** POST /api/rentals/{id}/damage-claims (the owner). */
export async function fileClaim(deps: Services, user: Actor, rentalId: string, input: ClaimInput) {
  const { rental, deposit } = await rentalWithDeposit(deps, user, rentalId, 'file_claim')
  const now = deps.clock()
  if (!deposit) throw new ApiError('deposit_not_claimable', 'This rental has no deposit to claim against')
  const startsAt = startOfDay(rental.startDate, rental.timeZone)
  if ((rental.status !== 'active' && rental.status !== 'completed') || now < startsAt) {
    throw new ApiError(
      'deposit_not_claimable',
      rental.status === 'active' || rental.status === 'completed'
        ? `The rental starts at ${startsAt.toISOString()}; a claim can be filed from then on`
        : `The rental is ${rental.status}; a claim can no longer be filed`,
    )
  }
  if (now.toISOString() >= deposit.claimWindowEndsAt) {
    throw new ApiError(
      'claim_window_closed',
      `Claims on this rental could be filed until ${deposit.claimWindowEndsAt}`,
    )
  }
  if (!(OPEN_DEPOSIT_STATUSES as readonly string[]).includes(deposit.status)) {
    throw new ApiError(
      'deposit_not_claimable',
      `The deposit is ${deposit.status}; a claim can no longer be filed`,
    )
  }
  if (input.amount > deposit.amount) {
    throw new ApiError(
      'claim_exceeds_deposit',
      `A claim can be at most the deposit, ${deposit.amount} ${deposit.currency}`,
      { errors: [{ path: 'body.amount', message: `At most the deposit, ${deposit.amount}` }] },
    )
  }
  const id = newId('clm')
  const at = nowIso(now)
  // One claim per rental (unique rental_id), and only while the deposit is still open and its window too.
  const insert = prepare(
    deps.db,
    sql`INSERT INTO damage_claims (id, deposit_id, rental_id, renter_id, owner_id, amount, currency, description,
      evidence_urls, status, respond_by, fee_basis_points, created_at, updated_at)
    SELECT ${id}, deposits.id, deposits.rental_id, deposits.renter_id, deposits.owner_id, ${input.amount},
      deposits.currency, ${input.description}, ${JSON.stringify(input.evidence_urls ?? [])}, 'open',
      ${claimRespondBy(now, deps.settings).toISOString()}, ${claimFeeBasisPoints(deps.settings)}, ${at}, ${at}
    FROM deposits WHERE deposits.id = ${deposit.id} AND deposits.status IN ${OPEN_DEPOSIT_STATUSES}
      AND deposits.claim_window_ends_at > ${at} AND ${input.amount} <= deposits.amount
    ON CONFLICT DO NOTHING`,
  )
  const read = await runBatchNamed(
    deps.db,
    [
      insert,
      auditIfChanged(deps.db, 'claim', id, {
        to: 'open',
        source: 'api',
        now: at,
        actorId: user.id,
        detail: `${input.amount} ${deposit.currency}`,
      }),
    ],
    { claim: selectRows(deps.db, damageClaims, sql`rental_id = ${rental.id}`) },
  )
  const claim = read.claim.results[0] as DamageClaim | undefined
  if (claim?.id === id) return claim
  if (claim) throw new ApiError('claim_exists', 'A damage claim was already filed for this rental')
  throw new ApiError('deposit_not_claimable', 'The deposit changed meanwhile; read it again')
}

/** A claim with the payout of its owner share, once captured (none: not captured, or nothing to pay). */
export type ClaimWithPayout = DamageClaim & { payoutId?: string | null; payoutStatus?: PayoutStatus | null }

/** A claim's payout (its id and status), as two more columns of its damage_claims row. */
const claimPayoutColumns = sql`(SELECT id FROM payouts WHERE claim_id = damage_claims.id) AS payoutId,
  (SELECT status FROM payouts WHERE claim_id = damage_claims.id) AS payoutStatus`

const readClaimWithPayout = (db: DepositDeps['db'], where: ReturnType<typeof sql>) =>
  prepare(
    db,
    sql`SELECT ${columnsAsKeys(damageClaims)}, ${claimPayoutColumns} FROM damage_claims WHERE ${where}`,
  )

/** The claim as stored, with its payout when it was captured. */
async function withPayout(deps: Pick<Services, 'db'>, claim: DamageClaim): Promise<ClaimWithPayout> {
  if (claim.status !== 'captured') return claim
  const read = await readClaimWithPayout(deps.db, sql`id = ${claim.id}`).first<ClaimWithPayout>()
  return read ?? claim
}

/** GET /api/rentals/{id}/damage-claims: the renter, the owner and admins. */
export async function listClaims(deps: Services, user: Actor, rentalId: string): Promise<ClaimWithPayout[]> {
  const read = await runBatchNamed(deps.db, [], {
    rental: prepare(
      deps.db,
      sql`SELECT renter_id AS renterId, owner_id AS ownerId FROM rentals WHERE id = ${rentalId}`,
    ),
    claims: readClaimWithPayout(deps.db, sql`rental_id = ${rentalId} ORDER BY created_at, id`),
  })
  authorizeRental(user, read.rental.results[0] as Parties | undefined, 'read')
  return read.claims.results as ClaimWithPayout[]
}

const readClaim = (db: DepositDeps['db'], claimId: string) =>
  db.query.damageClaims.findFirst({ where: eq(damageClaims.id, claimId) })

/** The claim, for its renter to answer. */
async function claimToAnswer(deps: Pick<Services, 'db'>, user: Actor, claimId: string) {
  const claim = await readClaim(deps.db, claimId)
  authorizeClaim(user, claim, 'answer')
  return claim
}

/** Moves a claim on `on` into `to` if it is where that move starts (and `when` holds); the claim after. */
async function moveClaim(
  deps: Services,
  claim: DamageClaim,
  move: {
    on: 'accept' | 'contest' | 'decide'
    to: 'accepted' | 'contested' | 'decided'
    actorId: string
    when?: ReturnType<typeof sql>
    set?: ReturnType<typeof sql>
    detail?: string
  },
) {
  const now = nowIso(deps.clock())
  const [audit, update] = transition(deps.db, 'claim', {
    where: sql`id = ${claim.id} ${move.when ? sql`AND ${move.when}` : sql``}`,
    on: move.on,
    to: move.to,
    source: 'api',
    now,
    actorId: move.actorId,
    detail: move.detail,
    set: sql`answered_at = COALESCE(answered_at, ${now}) ${move.set ? sql`, ${move.set}` : sql``}`,
  })
  const read = await runBatchNamed(deps.db, [audit], {
    update,
    claim: selectRows(deps.db, damageClaims, sql`id = ${claim.id}`),
  })
  return { moved: read.update.meta.changes === 1, claim: read.claim.results[0] as DamageClaim }
}

/** POST /api/damage-claims/{id}/accept (the renter): the claimed amount is collected at once. */
export async function acceptClaim(deps: Services, user: Actor, claimId: string) {
  const claim = await claimToAnswer(deps, user, claimId)
  const { moved, claim: after } = await moveClaim(deps, claim, {
    on: 'accept',
    to: 'accepted',
    actorId: user.id,
  })
  if (!moved)
    throw new ApiError('claim_not_open', `The claim is ${after.status}; it can no longer be answered`)
  // Only the renter answers, and the renter does not see the payout (toClaimJson): no need to read it.
  return collectOrLeave(deps, after, 'api')
}

/** POST /api/damage-claims/{id}/contest (the renter), before respond_by: an admin decides the amount. */
export async function contestClaim(deps: Services, user: Actor, claimId: string) {
  const claim = await claimToAnswer(deps, user, claimId)
  const now = nowIso(deps.clock())
  const { moved, claim: after } = await moveClaim(deps, claim, {
    on: 'contest',
    to: 'contested',
    actorId: user.id,
    when: sql`respond_by > ${now}`,
  })
  if (!moved) {
    throw new ApiError(
      'claim_not_open',
      after.status === 'open'
        ? `The time to answer ran out at ${after.respondBy}; the claim counts as accepted`
        : `The claim is ${after.status}; it can no longer be answered`,
    )
  }
  return after
}

/** POST /api/admin/damage-claims/{id}/decide (an admin): the amount, at most the claim's, is collected. */
export async function decideClaim(deps: Services, user: Actor, claimId: string, amount: number) {
  authorizeAdmin(user)
  const claim = await readClaim(deps.db, claimId)
  if (!claim) throw new ApiError('claim_not_found', 'Damage claim not found')
  if (claim.status !== 'contested')
    throw new ApiError(
      'claim_not_contested',
      `The claim is ${claim.status}; only a contested claim can be decided`,
    )
  if (amount > claim.amount) {
    throw new ApiError(
      'decision_exceeds_claim',
      `The decision can be at most the amount claimed, ${claim.amount}`,
      {
        errors: [{ path: 'body.amount', message: `At most the amount claimed, ${claim.amount}` }],
      },
    )
  }
  const { moved, claim: after } = await moveClaim(deps, claim, {
    on: 'decide',
    to: 'decided',
    actorId: user.id,
    set: sql`decided_amount = ${amount}, decided_by = ${user.id}`,
    detail: `${amount} ${claim.currency}`,
  })
  if (!moved)
    throw new ApiError(
      'claim_not_contested',
      `The claim is ${after.status}; only a contested claim can be decided`,
    )
  return withPayout(deps, await collectOrLeave(deps, after, 'api'))
}

/**
 * Collects an accepted or decided claim now; if Stripe cannot be reached, the claim stays as it is and the
 * cron collects it (the same idempotency keys: nothing is taken twice). Returns the claim as stored after.
 */
async function collectOrLeave(deps: Services, claim: DamageClaim, source: Trigger): Promise<DamageClaim> {
  try {
    return await collectClaim(deps, claim, source)
  } catch (error) {
    deps.logger.warn('could not collect a damage claim now; the cron will retry', {
      claim_id: claim.id,
      error: String(error),
    })
    return claim
  }
}

/** What an accepted or decided claim takes: the decision when there is one, else the amount claimed. */
export const amountToCollect = (claim: DamageClaim) => claim.decidedAmount ?? claim.amount

/**
 * Collects an accepted or decided claim from its deposit: captured from a hold that still stands (the rest
 * released: partially_captured), or charged off-session to the saved card when there is no hold (lapsed, or
 * never held); a charge the card refuses leaves the claim collection_failed and the deposit failed. A decision
 * of nothing releases the deposit. Throws when Stripe cannot be reached.
 */
export async function collectClaim(
  deps: DepositDeps,
  claim: DamageClaim,
  source: Trigger,
): Promise<DamageClaim> {
  const deposit = await deps.db.query.deposits.findFirst({ where: eq(deposits.id, claim.depositId) })
  if (!deposit) throw new Error(`deposit ${claim.depositId} of claim ${claim.id} not found`)
  if (!(OPEN_DEPOSIT_STATUSES as readonly string[]).includes(deposit.status)) {
    // Settled already (this claim captured by a concurrent collector, or the deposit failed): nothing to take.
    return (await readClaim(deps.db, claim.id))!
  }
  const amount = amountToCollect(claim)
  if (amount === 0) {
    await releaseDepositNow(deps, deposit, { source, detail: `claim ${claim.id} decided at nothing` })
    return (await readClaim(deps.db, claim.id))!
  }
  const after =
    deposit.status === 'held' && deposit.stripePaymentIntentId
      ? await captureFromHold(deps, deposit, amount, source)
      : await chargeOffSession(deps, deposit, claim, amount, source)
  return after ?? claim
}

/**
 * Captures the claim from the current hold (the rest is released), with a key of the hold's attempt. A hold
 * that expired meanwhile is applied (lapsed) and the claim charged off-session instead.
 */
async function captureFromHold(deps: DepositDeps, deposit: Deposit, amount: number, source: Trigger) {
  const intentId = deposit.stripePaymentIntentId!
  const attempt = await deps.db.query.depositIntents.findFirst({
    where: eq(depositIntents.stripePaymentIntentId, intentId),
  })
  if (!attempt) throw new Error(`no attempt recorded for ${intentId}`)
  let intent: Stripe.PaymentIntent
  try {
    intent = await deps.stripe.paymentIntents.capture(
      intentId,
      { amount_to_capture: amount, expand: ['latest_charge'] },
      { idempotencyKey: `${attemptKey(deposit.id, attempt.attempt)}:capture` },
    )
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw stripeFailure(error) ?? error
    // Not capturable (expired, canceled): what Stripe has now decides.
    const applied = await refreshDepositIntent(deps, attempt, intentId, source)
    const claim = applied.claim
    if (applied.deposit.status === 'lapsed' && claim)
      return chargeOffSession(deps, applied.deposit, claim, amount, source)
    return claim
  }
  return (await applyDepositIntent(deps, { deposit, attempt, intent, source })).claim
}

/** Charges the claim off-session to the saved card (an attempt of its own, its own key). */
async function chargeOffSession(
  deps: DepositDeps,
  deposit: Deposit,
  claim: DamageClaim,
  amount: number,
  source: Trigger,
) {
  const begun = await beginAttempt(deps, deposit, 'collect', amount, claim.id)
  const intent =
    deposit.stripeCustomerId && deposit.stripePaymentMethodId
      ? await offSessionIntent(deps, deposit, begun)
      : { refused: 'no_saved_card' }
  if ('refused' in intent) {
    // No intent to apply: the claim fails here, as a declined charge would.
    const now = nowIso(deps.clock())
    const read = await runBatchNamed(
      deps.db,
      [
        prepare(
          deps.db,
          sql`UPDATE deposit_intents SET closed_at = COALESCE(closed_at, ${now}), failure_code = ${intent.refused},
            updated_at = ${now} WHERE id = ${begun.attempt.id}`,
        ),
        ...collectionFailedStatements(deps.db, {
          depositId: deposit.id,
          claimId: claim.id,
          code: intent.refused,
          message: 'The saved card could not be charged',
          source,
          now,
        }),
      ],
      { claim: selectRows(deps.db, damageClaims, sql`id = ${claim.id}`) },
    )
    return read.claim.results[0] as DamageClaim
  }
  return (await applyDepositIntent(deps, { deposit, attempt: begun.attempt, intent, source })).claim
}

/**
 * A damage claim as the API shows it to `viewer`. The payout of the owner share is the owner's and the
 * platform's business: the renter sees it as null.
 */
export const toClaimJson = (claim: ClaimWithPayout, viewer: Actor) =>
  claimJson(claim, seesPayout(viewer, claim) ? claim : {})

const claimJson = (claim: ClaimWithPayout, payout: Pick<ClaimWithPayout, 'payoutId' | 'payoutStatus'>) => ({
  id: claim.id,
  rental_id: claim.rentalId,
  deposit_id: claim.depositId,
  renter_id: claim.renterId,
  owner_id: claim.ownerId,
  amount: claim.amount,
  currency: claim.currency,
  description: claim.description,
  evidence_urls: JSON.parse(claim.evidenceUrls) as string[],
  status: claim.status,
  respond_by: claim.respondBy,
  decided_amount: claim.decidedAmount,
  captured_amount: claim.capturedAmount,
  platform_fee: claim.platformFee,
  owner_share: claim.ownerShare,
  stripe_charge_id: claim.stripeChargeId,
  payout_id: payout.payoutId ?? null,
  payout_status: payout.payoutStatus ?? null,
  failure_code: claim.failureCode,
  failure_message: claim.failureMessage,
  created_at: claim.createdAt,
  updated_at: claim.updatedAt,
})
