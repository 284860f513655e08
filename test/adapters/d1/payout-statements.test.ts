import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { runBatch } from '../../../src/adapters/d1/client'
import { followOwedStatements } from '../../../src/adapters/d1/payout-statements'
import { payments, payouts } from '../../../src/adapters/d1/schema'
import { splitPlatformFee } from '../../../src/domain/fees'
import { ownerShareAfter } from '../../../src/domain/payouts'
import { newId } from '../../../src/lib/ids'
import { nowIso } from '../../../src/lib/time'
import { createListing, createRental, createUser, db } from '../../helpers/factories'

/*
 * `owed` is computed in SQL, inside the D1 batch that changes a payment's refunds or dispute (so that
 * concurrent refunds can never leave it stale); the rule itself is domain/payouts.ts. These tests hold the two
 * to the same answer, then check what the statements do to a payout before and after its release.
 */

let paymentId: string
let payoutId: string

beforeAll(async () => {
  const owner = await createUser()
  const renter = await createUser()
  const rental = await createRental(renter, await createListing(owner))
  paymentId = newId('pay')
  payoutId = newId('pyo')
  const now = nowIso()
  await db.insert(payments).values({
    id: paymentId,
    rentalId: rental.id,
    renterId: renter.id,
    ownerId: owner.id,
    amount: 2_999,
    currency: 'usd',
    status: 'completed',
    platformFee: 300,
    ownerPayoutAmount: 2_699,
    createdAt: now,
    updatedAt: now,
    completedAt: now,
  })
  await db.insert(payouts).values({
    id: payoutId,
    paymentId,
    rentalId: rental.id,
    ownerId: owner.id,
    amount: 2_699,
    owed: 2_699,
    currency: 'usd',
    status: 'scheduled',
    refundFeePolicy: 'proportional',
    scheduledFor: now,
    createdAt: now,
    updatedAt: now,
  })
})

const follow = () =>
  runBatch(db, followOwedStatements(db, { kind: 'rental', id: paymentId }, 'api', nowIso()))

const stored = async () =>
  (await env.DB.prepare('SELECT amount, owed, status FROM payouts WHERE id = ?').bind(payoutId).first<{
    amount: number
    owed: number
    status: string
  }>())!

async function setPayment(amount: number, platformFee: number, refunded: number) {
  await env.DB.prepare(
    'UPDATE payments SET amount = ?, platform_fee = ?, owner_payout_amount = ?, amount_refunded = ? WHERE id = ?',
  )
    .bind(amount, platformFee, amount - platformFee, refunded, paymentId)
    .run()
}

const setPayout = (columns: string, ...values: (string | number | null)[]) =>
  env.DB.prepare(`UPDATE payouts SET ${columns} WHERE id = ?`)
    .bind(...values, payoutId)
    .run()

describe("the SQL of what an owner is owed agrees with domain/payouts.ts's rule", () => {
  it('at random amounts, fees, refunds, disputes and both policies (zero-decimal and huge amounts included)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .record({
            amount: fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 99_999_999 })),
            basisPoints: fc.integer({ min: 0, max: 10_000 }),
            policy: fc.constantFrom('proportional' as const, 'platform_keeps' as const),
          })
          .chain((p) =>
            fc.record({
              p: fc.constant(p),
              refunded: fc.integer({ min: 0, max: p.amount }),
              disputed: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: p.amount })),
            }),
          ),
        async ({ p, refunded, disputed }) => {
          const split = { amount: p.amount, ...splitPlatformFee(p.amount, p.basisPoints / 100) }
          await setPayment(split.amount, split.platformFee, refunded)
          await setPayout(
            'disputed_amount = ?, refund_fee_policy = ?, released_at = NULL, status = ?',
            disputed,
            p.policy,
            'scheduled',
          )
          await follow()
          const expected = ownerShareAfter(split, refunded, disputed, p.policy)
          expect((await stored()).owed).toBe(expected)
        },
      ),
      { seed: 2_026, numRuns: 150 },
    )
  })
})

describe('a payout follows what is owed', () => {
  it('before release: its amount shrinks, at nothing it is reversed, and it is scheduled again if that comes back', async () => {
    await setPayment(2_999, 300, 0)
    await setPayout(
      'disputed_amount = 0, refund_fee_policy = ?, released_at = NULL, status = ?',
      'proportional',
      'scheduled',
    )
    await follow()
    expect(await stored()).toEqual({ amount: 2_699, owed: 2_699, status: 'scheduled' })
    await setPayment(2_999, 300, 1_000)
    await follow()
    expect(await stored()).toEqual({ amount: 1_799, owed: 1_799, status: 'scheduled' })
    await setPayment(2_999, 300, 2_999)
    await follow()
    expect(await stored()).toEqual({ amount: 0, owed: 0, status: 'reversed' })
    // A succeeded refund that Stripe fails afterwards gives the share back.
    await setPayment(2_999, 300, 1_000)
    await follow()
    expect(await stored()).toEqual({ amount: 1_799, owed: 1_799, status: 'scheduled' })
  })

  it('a held payout waits for its dispute, whatever refunds do; a failed one keeps failing until retried', async () => {
    await setPayout('status = ?', 'held')
    await setPayment(2_999, 300, 2_000)
    await follow()
    expect(await stored()).toMatchObject({ owed: 899, amount: 899, status: 'held' })
    await setPayout('status = ?', 'failed')
    await setPayment(2_999, 300, 2_500)
    await follow()
    expect(await stored()).toMatchObject({ owed: 449, amount: 449, status: 'failed' })
  })

  it('after release: owed follows, the amount sent does not (the cron settles the difference at Stripe)', async () => {
    await setPayment(2_999, 300, 0)
    await setPayout('amount = 2699, released_at = ?, status = ?', nowIso(), 'released')
    await setPayment(2_999, 300, 1_000)
    await follow()
    expect(await stored()).toEqual({ amount: 2_699, owed: 1_799, status: 'released' })
    // Only the unsettled rows are in the cron's partial index, and the query plan uses it.
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT id FROM payouts WHERE released_at IS NOT NULL AND amount - amount_reversed <> owed
       ORDER BY settled_at LIMIT 50`,
    ).all<{ detail: string }>()
    expect(plan.results.map((row) => row.detail).join(' | ')).toContain('payouts_unsettled_idx')
  })
})
