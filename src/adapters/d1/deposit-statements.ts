import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from './client'
import { auditIfChanged } from './audit'
import { transition } from './transitions'
import type { Trigger } from '../../domain/state-machines'

/*
 * The SQL of deposits and damage claims (docs/DEPOSITS.md). As everywhere, each statement carries its own
 * precondition inside one D1 batch, so a webhook, the cron and a request that report the same Stripe outcome
 * make one move between them, and a stale report makes none.
 */

/** Deposit statuses in which the deposit may still be released, held or claimed against. */
export const OPEN_DEPOSIT_STATUSES = ['scheduled', 'held', 'action_required', 'lapsed'] as const
/** Claim statuses that keep a deposit: the claim is not settled yet. */
export const UNSETTLED_CLAIM_STATUSES = ['open', 'contested', 'accepted', 'decided'] as const
/** A claim accepted or decided: its amount is being collected, so the deposit may no longer be released. */
export const COLLECTING_CLAIM_STATUSES = ['accepted', 'decided'] as const

/** A claim of this deposit whose amount is being collected (a decision of nothing collects nothing). */
export const collectingClaim = sql`EXISTS (SELECT 1 FROM damage_claims WHERE damage_claims.deposit_id = deposits.id
  AND damage_claims.status IN ${COLLECTING_CLAIM_STATUSES} AND COALESCE(damage_claims.decided_amount, 1) > 0)`

export interface NewDeposit {
  id: string
  paymentId: string
  rentalId: string
  customerId: string | null
  paymentMethodId: string | null
  holdDueAt: string
  claimWindowEndsAt: string
  source: Trigger
  now: string
}

/**
 * The deposit of a rental just paid, in the batch that completes its payment: only for a rental with a deposit
 * that this batch made active, and only once (the unique rental_id keeps a repeated report from adding one).
 */
export const createDepositStatements = (db: Database, deposit: NewDeposit) => [
  prepare(
    db,
    sql`INSERT INTO deposits (id, rental_id, payment_id, renter_id, owner_id, amount, currency, status,
      stripe_customer_id, stripe_payment_method_id, hold_due_at, claim_window_ends_at, created_at, updated_at)
    SELECT ${deposit.id}, rentals.id, ${deposit.paymentId}, rentals.renter_id, rentals.owner_id,
      rentals.deposit_amount, rentals.currency, 'scheduled', ${deposit.customerId}, ${deposit.paymentMethodId},
      ${deposit.holdDueAt}, ${deposit.claimWindowEndsAt}, ${deposit.now}, ${deposit.now}
    FROM rentals WHERE rentals.id = ${deposit.rentalId} AND rentals.deposit_amount > 0
      AND rentals.status = 'active'
    ON CONFLICT DO NOTHING`,
  ),
  auditIfChanged(db, 'deposit', deposit.id, {
    to: 'scheduled',
    source: deposit.source,
    now: deposit.now,
    detail: `hold due ${deposit.holdDueAt}`,
  }),
]

/**
 * The next attempt of a deposit's intents, unless one is open (begun, and Stripe's answer never recorded):
 * then that one is tried again, with the same idempotency key. The unique (deposit_id, attempt) settles two
 * concurrent beginnings: one row, both read it back.
 */
export const beginAttemptStatement = (
  db: Database,
  attempt: {
    id: string
    depositId: string
    purpose: 'hold' | 'collect'
    claimId: string | null
    amount: number
  },
  now: string,
) =>
  prepare(
    db,
    sql`INSERT INTO deposit_intents (id, deposit_id, attempt, purpose, claim_id, amount, created_at, updated_at)
    SELECT ${attempt.id}, ${attempt.depositId},
      COALESCE((SELECT MAX(attempt) FROM deposit_intents WHERE deposit_id = ${attempt.depositId}), 0) + 1,
      ${attempt.purpose}, ${attempt.claimId}, ${attempt.amount}, ${now}, ${now}
    WHERE NOT EXISTS (${openAttempt(attempt.depositId, attempt.purpose)})
    ON CONFLICT DO NOTHING`,
  )

/** The open attempt of a purpose: begun, no intent recorded, not given up. */
export const openAttempt = (depositId: string, purpose: 'hold' | 'collect') =>
  sql`SELECT id FROM deposit_intents WHERE deposit_id = ${depositId} AND purpose = ${purpose}
    AND stripe_payment_intent_id IS NULL AND closed_at IS NULL`

/** Marks the deposit's current intent superseded (the cron cancels it at Stripe) when `when` holds. */
export const supersedeCurrentStatement = (db: Database, depositId: string, when: SQL, now: string) =>
  prepare(
    db,
    sql`UPDATE deposit_intents SET superseded_at = ${now}, updated_at = ${now}
    WHERE superseded_at IS NULL AND closed_at IS NULL
      AND stripe_payment_intent_id = (SELECT stripe_payment_intent_id FROM deposits WHERE id = ${depositId} AND ${when})`,
  )

export interface Release {
  depositId: string
  source: Trigger
  actorId?: string | null
  detail: string
  now: string
  /** Further conditions (e.g. the claim window has closed). */
  when?: SQL
}

/**
 * Releases a deposit that is still open and whose claim, if any, is not being collected: the deposit moves to
 * released, its intent is marked for the cron to cancel, and an open or contested claim is withdrawn. All
 * three hang on the release itself (released_at = now), so a refused release changes nothing.
 */
export function releaseStatements(db: Database, release: Release) {
  const { depositId, now } = release
  const [audit, update] = transition(db, 'deposit', {
    where: sql`id = ${depositId} ${release.when ? sql`AND ${release.when}` : sql``} AND NOT ${collectingClaim}`,
    on: 'release',
    to: 'released',
    source: release.source,
    now,
    actorId: release.actorId,
    detail: release.detail,
    set: sql`released_at = ${now}`,
  })
  const releasedNow = sql`status = 'released' AND released_at = ${now}`
  return {
    audit,
    update,
    after: [
      supersedeCurrentStatement(db, depositId, releasedNow, now),
      ...transition(db, 'claim', {
        where: sql`deposit_id = ${depositId}
          AND EXISTS (SELECT 1 FROM deposits WHERE id = ${depositId} AND ${releasedNow})`,
        on: 'withdraw',
        to: 'withdrawn',
        source: release.source,
        now,
        actorId: release.actorId,
        detail: release.detail,
      }),
    ],
  }
}

/** `captured` or `partially_captured` from the amount taken of the deposit's amount (domain/deposits.ts). */
export const capturedStatusSql = (captured: number) =>
  sql`CASE WHEN ${captured} >= amount THEN 'captured' ELSE 'partially_captured' END`

/**
 * The claim collected for `captured` by the charge `chargeId`: split into the platform's fee at the claim's own
 * rate (basis points, rounded half up: domain/fees.ts) and the owner's share, the rest.
 */
export function claimCapturedSet(captured: number, chargeId: string | null, now: string) {
  // Integer arithmetic: D1 binds numbers as REAL, and a REAL division would keep the fraction.
  const fee = sql`(CAST(${captured} AS INTEGER) * fee_basis_points + 5000) / 10000`
  return sql`captured_amount = ${captured}, platform_fee = ${fee}, owner_share = ${captured} - ${fee},
    stripe_charge_id = ${chargeId}, captured_at = ${now}, failure_code = NULL, failure_message = NULL`
}

/**
 * In the batch that marks a rental returned: its deposit's claim window closes no earlier than `until`
 * (DEPOSIT_CLAIM_WINDOW_HOURS after the return), if the return went through.
 */
export const extendClaimWindowStatement = (db: Database, rentalId: string, until: string, now: string) =>
  prepare(
    db,
    sql`UPDATE deposits SET claim_window_ends_at = MAX(claim_window_ends_at, ${until}), updated_at = ${now}
    WHERE rental_id = ${rentalId} AND EXISTS (SELECT 1 FROM rentals WHERE rentals.id = ${rentalId}
      AND rentals.status = 'completed' AND rentals.completed_at = ${now})`,
  )

export interface CollectionFailure {
  depositId: string
  claimId: string
  code: string
  message: string
  source: Trigger
  actorId?: string | null
  now: string
}

/**
 * A claim's off-session charge failed (declined, authentication required, or refused outright): the claim is
 * collection_failed, and its deposit failed with it.
 */
export function collectionFailedStatements(db: Database, failure: CollectionFailure) {
  const { depositId, claimId, now } = failure
  const failed = sql`failure_code = ${failure.code}, failure_message = ${failure.message}`
  return [
    ...transition(db, 'claim', {
      where: sql`id = ${claimId} AND deposit_id = ${depositId}`,
      on: 'fail',
      to: 'collection_failed',
      source: failure.source,
      now,
      actorId: failure.actorId,
      detail: failure.code,
      set: failed,
    }),
    ...transition(db, 'deposit', {
      where: sql`id = ${depositId} AND EXISTS (SELECT 1 FROM damage_claims WHERE damage_claims.id = ${claimId}
        AND damage_claims.status = 'collection_failed')`,
      on: 'fail',
      to: 'failed',
      source: failure.source,
      now,
      actorId: failure.actorId,
      detail: `claim ${claimId}: ${failure.code}`,
      set: failed,
    }),
  ]
}
