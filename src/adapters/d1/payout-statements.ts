import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from './client'
import type { Payout } from './schema'
import { auditIfChanged } from './audit'
import { transition } from './transitions'
import type { Trigger } from '../../domain/state-machines'
import { scheduledDetail, type PayoutKind, type RefundFeePolicy } from '../../domain/payouts'

/*
 * The SQL of payouts. Each statement carries its own condition, so whichever of confirm, webhook or cron
 * reports first makes the change and the others change nothing; every status move is a transition (its audit
 * row in the same batch).
 */

/** A payout by what it pays: a payment (kind rental) or a damage claim, by that one's id. */
export interface PayoutOf {
  kind: PayoutKind
  id: string
}

/**
 * Where each kind of payout comes from: its source table, the payouts column naming its row (unique, and its
 * field on a Payout), the source's columns the owed rule reads, and the charge a transfer is made from.
 */
const SOURCES = {
  rental: {
    table: 'payments',
    key: 'payment_id',
    field: 'paymentId',
    charge: 'stripe_charge_id',
    amount: 'amount',
    refunded: 'amount_refunded',
    fee: 'platform_fee',
    share: 'owner_payout_amount',
  },
  // Nothing refunds a claim's charge through Backline; a dispute of it withholds as a payment's does.
  damage_claim: {
    table: 'damage_claims',
    key: 'claim_id',
    field: 'claimId',
    charge: 'stripe_charge_id',
    amount: 'captured_amount',
    refunded: null,
    fee: 'platform_fee',
    share: 'owner_share',
  },
} as const satisfies Record<PayoutKind, Record<string, string | null> & { field: keyof Payout }>

/** The row a payout comes from. */
export const sourceOf = (payout: Pick<Payout, 'kind' | 'paymentId' | 'claimId'>): PayoutOf => ({
  kind: payout.kind,
  id: payout[SOURCES[payout.kind].field]!,
})

/**
 * What the owner is owed of a payout, in SQL over a `payouts` row: the same rule as domain/payouts.ts
 * ownerShareAfter (test/adapters/d1/payout-statements.test.ts proves they agree): the owner's share less the
 * owner's part of taken = MIN(amount, amount_refunded + disputed_amount), where the fee gives back
 * round_half_up(taken × platform_fee / amount) (proportional) or what passes the owner's share
 * (platform_keeps). For a payment: its amount, refunds, fee and owner_payout_amount; for a damage claim: what
 * it captured, its fee and owner_share. SQLite's integers are 64-bit and `/` floors on non-negative operands.
 */
const owedSql = (kind: PayoutKind) => {
  const source = SOURCES[kind]
  const [amount, fee, share] = [source.amount, source.fee, source.share].map((name) => `s.${name}`)
  const refunded = source.refunded ? `s.${source.refunded}` : '0'
  const taken = `MIN(${amount}, ${refunded} + payouts.disputed_amount)`
  return sql.raw(`(SELECT ${share} - (${taken} - CASE payouts.refund_fee_policy
    WHEN 'platform_keeps' THEN MAX(0, ${taken} - ${share})
    ELSE (2 * ${taken} * ${fee} + ${amount}) / (2 * ${amount}) END)
  FROM ${source.table} s WHERE s.id = payouts.${source.key})`)
}

/** The payout of `of`, as a condition on the payouts table. */
export const payoutOf = (of: PayoutOf) => sql`${sql.raw(SOURCES[of.kind].key)} = ${of.id}`

export interface NewPayout {
  id: string
  paymentId: string
  scheduledFor: string
  policy: RefundFeePolicy
  source: Trigger
  now: string
}

/**
 * A payout created `scheduled` from the one row of `from` that `where` picks (a payment, or a damage claim: its
 * id, rental, owner and currency), for the owner share in its column `share`, with its audit row. Nothing when
 * no row is picked, or when the row has its payout already (payouts.payment_id and claim_id are unique).
 */
function insertPayoutStatements(
  db: Database,
  payout: Omit<NewPayout, 'paymentId'> & { detail: string },
  from: { kind: PayoutKind; where: SQL },
) {
  const source = SOURCES[from.kind]
  const [table, key, share] = [source.table, source.key, source.share].map((name) => sql.raw(name))
  return [
    prepare(
      db,
      sql`INSERT INTO payouts (id, kind, ${key}, rental_id, owner_id, amount, currency, status, owed,
        refund_fee_policy, scheduled_for, created_at, updated_at)
      SELECT ${payout.id}, ${from.kind}, id, rental_id, owner_id, ${share}, currency, 'scheduled',
        ${share}, ${payout.policy}, ${payout.scheduledFor}, ${payout.now}, ${payout.now}
      FROM ${table} WHERE ${from.where}
      ON CONFLICT (${key}) DO NOTHING`,
    ),
    auditIfChanged(db, 'payout', payout.id, {
      to: 'scheduled',
      source: payout.source,
      now: payout.now,
      detail: payout.detail,
    }),
  ]
}

/**
 * The payout of a payment that has just completed (in the same batch, after the statement that completes it):
 * the owner's share, due at `scheduledFor`. Nothing when the payment is not completed or has its payout.
 */
export function schedulePayoutStatements(db: Database, payout: NewPayout) {
  return [
    ...insertPayoutStatements(
      db,
      { ...payout, detail: scheduledDetail(payout.scheduledFor) },
      { kind: 'rental', where: sql`id = ${payout.paymentId} AND status = 'completed'` },
    ),
    // A refund already recorded (a charge.refunded that overtook the completion) counts at once.
    ...followOwedStatements(db, { kind: 'rental', id: payout.paymentId }, payout.source, payout.now),
  ]
}

export interface NewClaimPayout {
  id: string
  /** The deposit whose claim (one per deposit) was captured. */
  depositId: string
  policy: RefundFeePolicy
  source: Trigger
  now: string
}

/**
 * The payout of a deposit's damage claim captured by this very batch (after the statement that captures it,
 * which stamps captured_at = now): the claim's owner share, due at once. Nothing when the owner's share is 0
 * (the platform's fee took it all), when the claim was captured earlier (a late report), or when it has its
 * payout already. `owed` follows a dispute of the claim's charge (disputePayoutStatements); nothing in Backline
 * refunds one (docs/DEPOSITS.md).
 */
export const scheduleClaimPayoutStatements = (db: Database, payout: NewClaimPayout) =>
  insertPayoutStatements(
    db,
    {
      ...payout,
      scheduledFor: payout.now,
      detail: scheduledDetail(payout.now, 'damage claim captured'),
    },
    {
      kind: 'damage_claim',
      where: sql`deposit_id = ${payout.depositId} AND status = 'captured' AND captured_at = ${payout.now}
        AND owner_share > 0`,
    },
  )

/**
 * The charge a payout's transfers are made from (`source_transaction`): its payment's, or its damage claim's
 * (the captured hold's charge, or the off-session charge that collected it).
 */
export const sourceChargeStatement = (db: Database, of: PayoutOf) =>
  prepare(
    db,
    sql`SELECT ${sql.raw(SOURCES[of.kind].charge)} AS chargeId FROM ${sql.raw(SOURCES[of.kind].table)}
    WHERE id = ${of.id}`,
  )

/**
 * After a payment's refunds or its dispute (or a damage claim's dispute) changed: `owed` follows, and before
 * release so does the amount to send; a payout left with nothing is `reversed` (and `scheduled` again if that
 * comes back). After release, the cron brings what the owner keeps at Stripe to `owed`
 * (use-cases/payouts/payout-transfers.ts, settlePayout). `detail`, what changed, goes on the audit row.
 */
export function followOwedStatements(
  db: Database,
  of: PayoutOf,
  source: Trigger,
  now: string,
  detail = REFUNDS_CHANGED,
) {
  const owed = owedSql(of.kind)
  const unreleased = sql`${payoutOf(of)} AND released_at IS NULL`
  return [
    prepare(
      db,
      sql`UPDATE payouts SET owed = ${owed}, updated_at = ${now}
      WHERE ${payoutOf(of)} AND owed <> ${owed}`,
    ),
    prepare(db, sql`UPDATE payouts SET amount = owed WHERE ${unreleased} AND amount <> owed`),
    ...transition(db, 'payout', {
      where: unreleased,
      on: 'refund',
      // A held payout waits for its dispute; a failed one keeps failing until retried (unless nothing is left).
      to: sql`CASE WHEN status = 'held' THEN status WHEN amount = 0 THEN 'reversed'
        WHEN status = 'reversed' THEN 'scheduled' ELSE status END`,
      source,
      now,
      detail,
    }),
  ]
}

const REFUNDS_CHANGED = 'refunds changed the owner share'

/** A dispute's outcome, as its handler decides it (use-cases/stripe-events/disputes.ts). */
export type DisputeState = 'open' | 'resolved' | 'lost'

/**
 * A dispute of the payment (or of the damage claim's charge): open or lost, its amount is withheld from the
 * owner (before release the payout is held while it is open); resolved in our favour, nothing is. `owed`
 * follows in the same batch.
 */
export function disputePayoutStatements(
  db: Database,
  dispute: { of: PayoutOf; id: string; amount: number; state: DisputeState },
  now: string,
) {
  const withheld = dispute.state === 'resolved' ? 0 : dispute.amount
  const unreleased = sql`${payoutOf(dispute.of)} AND released_at IS NULL`
  const detail = `dispute ${dispute.id}: ${dispute.state}`
  return [
    prepare(
      db,
      sql`UPDATE payouts SET disputed_amount = ${withheld}, updated_at = ${now}
      WHERE ${payoutOf(dispute.of)} AND disputed_amount <> ${withheld}`,
    ),
    // Held first, so that an owner's share the dispute takes whole leaves it held (not reversed) while open.
    ...(dispute.state === 'open'
      ? transition(db, 'payout', {
          where: unreleased,
          on: 'hold',
          to: 'held',
          source: 'webhook',
          now,
          detail,
        })
      : []),
    ...followOwedStatements(db, dispute.of, 'webhook', now, detail),
    ...(dispute.state === 'open'
      ? []
      : transition(db, 'payout', {
          where: unreleased,
          on: 'dispute_closed',
          to: sql`CASE WHEN amount = 0 THEN 'reversed' ELSE 'scheduled' END`,
          source: 'webhook',
          now,
          detail,
        })),
  ]
}

/** A transfer sent for the payout: it is released (whoever reports it first). */
export function releasePayoutStatements(
  db: Database,
  release: {
    payoutId: string
    transferId: string
    accountId: string
    amount: number
    source: Trigger
    now: string
  },
) {
  return transition(db, 'payout', {
    where: sql`id = ${release.payoutId} AND stripe_transfer_id IS NULL`,
    on: 'release',
    to: 'released',
    source: release.source,
    now: release.now,
    detail: release.transferId,
    set: sql`stripe_transfer_id = ${release.transferId}, stripe_account_id = ${release.accountId},
      amount = ${release.amount}, released_at = ${release.now}, failure_code = NULL, failure_message = NULL`,
  })
}

/** Stripe refused the transfer of this try: the payout fails with Stripe's error until retried. */
export function failPayoutStatements(
  db: Database,
  failure: { payoutId: string; attempt: number; code: string; message: string; now: string },
) {
  return transition(db, 'payout', {
    where: sql`id = ${failure.payoutId} AND attempt = ${failure.attempt}`,
    on: 'fail',
    to: 'failed',
    source: 'reconciler',
    now: failure.now,
    detail: failure.code,
    set: sql`failure_code = ${failure.code}, failure_message = ${failure.message}`,
  })
}

/**
 * Failed payouts whose owner's account can receive transfers now, and was last seen so after they failed, are
 * scheduled again, each for a new try (its own idempotency key). `owner` (SQL yielding a user id): one
 * owner's (their account was just read), or everyone's (the cron's safety net for a lost account.updated).
 */
export function retryFailedPayoutsStatements(
  db: Database,
  scope: { owner?: SQL; source: Trigger; now: string },
) {
  const owner = scope.owner ? sql`owner_id = ${scope.owner} AND ` : sql``
  return transition(db, 'payout', {
    where: sql`${owner}status = 'failed' AND EXISTS (SELECT 1 FROM payout_accounts a
      WHERE a.user_id = payouts.owner_id AND a.payouts_enabled AND a.transfers_capability = 'active'
        AND a.refreshed_at > payouts.updated_at)`,
    on: 'retry',
    to: 'scheduled',
    source: scope.source,
    now: scope.now,
    detail: "the owner's account can receive transfers",
    set: sql`attempt = attempt + 1`,
  })
}

/**
 * What Stripe holds of a released payout, recorded: `amount` sent in all and `amount_reversed` taken back
 * (amount − amount_reversed = what the owner keeps). Written only over the values it was computed from
 * (`seen`), so an older reading never overwrites a newer one; the status follows.
 */
export function recordTransfersStatements(
  db: Database,
  record: {
    payoutId: string
    seen: { amount: number; amountReversed: number }
    amount: number
    amountReversed: number
    source: Trigger
    now: string
    detail: string
  },
) {
  const kept = record.amount - record.amountReversed
  const keptBefore = record.seen.amount - record.seen.amountReversed
  if (kept === keptBefore && record.amount === record.seen.amount) return []
  const where = sql`id = ${record.payoutId} AND released_at IS NOT NULL
    AND amount = ${record.seen.amount} AND amount_reversed = ${record.seen.amountReversed}`
  const set = sql`amount = ${record.amount}, amount_reversed = ${record.amountReversed}`
  const to: SQL = sql`${
    record.amountReversed === 0 ? 'released' : kept === 0 ? 'reversed' : 'partially_reversed'
  }`
  return transition(db, 'payout', {
    where,
    on: kept < keptBefore ? 'reverse' : 'give_back',
    to,
    source: record.source,
    now: record.now,
    detail: record.detail,
    set,
  })
}
