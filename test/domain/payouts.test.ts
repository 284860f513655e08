import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { startOfDay } from '../../src/domain/cancellation-policies'
import { splitPlatformFee } from '../../src/domain/fees'
import {
  canReceiveTransfers,
  dueAtOf,
  ownerRefundShare,
  ownerShareAfter,
  payoutAccountStatus,
  payoutDueAt,
  platformFeeRefunded,
  scheduledDetail,
  type PaymentSplit,
} from '../../src/domain/payouts'
import { loadSettings } from '../../src/env'

const split = (amount: number, feePercent = 10): PaymentSplit => ({
  amount,
  ...splitPlatformFee(amount, feePercent),
})

/** A payment split as domain/fees.ts makes it, of any chargeable amount and fee. */
const splits = fc
  .record({
    amount: fc.integer({ min: 1, max: 99_999_999 }),
    basisPoints: fc.integer({ min: 0, max: 10_000 }),
  })
  .map(({ amount, basisPoints }) => split(amount, basisPoints / 100))

describe('who bears the platform fee on a refund', () => {
  it('proportional: the fee gives back round_half_up(refunded × fee / amount), the owner the rest', () => {
    // $29.99 at 10%: fee 300, owner 2 699.
    const odd = split(2_999)
    expect(odd).toEqual({ amount: 2_999, platformFee: 300, ownerPayoutAmount: 2_699 })
    expect(platformFeeRefunded(odd, 1_000, 'proportional')).toBe(100) // 100.03
    expect(ownerRefundShare(odd, 1_000, 'proportional')).toBe(900)
    expect(platformFeeRefunded(odd, 5, 'proportional')).toBe(1) // 0.5002 rounds half up
    expect(platformFeeRefunded(odd, 4, 'proportional')).toBe(0) // 0.4001
    expect(platformFeeRefunded(odd, 1_500, 'proportional')).toBe(150) // 150.05
    expect(ownerShareAfter(odd, 1_000, 0, 'proportional')).toBe(1_799)
    // An exact half rounds up: 50 cents of $1.00 with a 1-cent fee is half a cent.
    expect(platformFeeRefunded(split(100, 1), 50, 'proportional')).toBe(1)
    expect(platformFeeRefunded(split(100, 1), 49, 'proportional')).toBe(0)
  })

  it('proportional, zero-decimal currencies: the minor unit is the whole yen', () => {
    // ¥1 005 at 10%: fee ¥101 (100.5 rounds up), owner ¥904.
    const yen = split(1_005)
    expect(yen).toEqual({ amount: 1_005, platformFee: 101, ownerPayoutAmount: 904 })
    expect(platformFeeRefunded(yen, 5, 'proportional')).toBe(1) // 0.5025
    expect(ownerRefundShare(yen, 5, 'proportional')).toBe(4)
    expect(platformFeeRefunded(yen, 4, 'proportional')).toBe(0) // 0.402
    expect(ownerShareAfter(yen, 333, 0, 'proportional')).toBe(904 - (333 - 33)) // 33.47 → 33
    expect(ownerShareAfter(yen, 1_005, 0, 'proportional')).toBe(0)
  })

  it('platform_keeps: the owner carries the refund up to their payout; only the rest reaches the fee', () => {
    const odd = split(2_999)
    expect(ownerRefundShare(odd, 1_000, 'platform_keeps')).toBe(1_000)
    expect(ownerShareAfter(odd, 1_000, 0, 'platform_keeps')).toBe(1_699)
    expect(ownerRefundShare(odd, 2_699, 'platform_keeps')).toBe(2_699)
    expect(platformFeeRefunded(odd, 2_800, 'platform_keeps')).toBe(101)
    expect(ownerShareAfter(odd, 2_800, 0, 'platform_keeps')).toBe(0)
    expect(platformFeeRefunded(odd, 2_999, 'platform_keeps')).toBe(300)
    const yen = split(1_005)
    expect(ownerShareAfter(yen, 5, 0, 'platform_keeps')).toBe(899)
  })

  it('a dispute withholds like a refund, and refunds plus dispute never take more than was paid', () => {
    const odd = split(2_999)
    expect(ownerShareAfter(odd, 0, 2_999, 'proportional')).toBe(0)
    expect(ownerShareAfter(odd, 1_000, 1_000, 'proportional')).toBe(
      ownerShareAfter(odd, 2_000, 0, 'proportional'),
    )
    expect(ownerShareAfter(odd, 1_000, 2_999, 'proportional')).toBe(0)
  })

  it.each(['proportional', 'platform_keeps'] as const)(
    '%s: a full refund takes exactly the payout and gives back exactly the fee, at every amount and fee',
    (policy) => {
      fc.assert(
        fc.property(splits, (s) => {
          expect(ownerRefundShare(s, s.amount, policy)).toBe(s.ownerPayoutAmount)
          expect(platformFeeRefunded(s, s.amount, policy)).toBe(s.platformFee)
          expect(ownerShareAfter(s, s.amount, 0, policy)).toBe(0)
          expect(ownerShareAfter(s, 0, 0, policy)).toBe(s.ownerPayoutAmount)
        }),
        { seed: 12, numRuns: 500 },
      )
    },
  )

  it.each(['proportional', 'platform_keeps'] as const)(
    '%s: each refunded unit takes 0 or 1 from the owner, never more than their payout, never below nothing',
    (policy) => {
      fc.assert(
        fc.property(
          splits.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.amount - 1 }))),
          ([s, refunded]) => {
            const before = ownerRefundShare(s, refunded, policy)
            const after = ownerRefundShare(s, refunded + 1, policy)
            expect([0, 1]).toContain(after - before)
            expect(before).toBeGreaterThanOrEqual(0)
            expect(before).toBeLessThanOrEqual(s.ownerPayoutAmount)
            // What the renter got back always splits exactly between the fee and the owner.
            expect(platformFeeRefunded(s, refunded, policy) + before).toBe(refunded)
          },
        ),
        { seed: 34, numRuns: 1_000 },
      )
    },
  )

  it('works on amounts whose product with the fee passes 2^53 (no float error)', () => {
    const big = split(99_999_999, 99.99)
    expect(big.platformFee * big.amount).toBeGreaterThan(Number.MAX_SAFE_INTEGER)
    // 99 999 998 × 99 989 999 / 99 999 999 = 99 989 998.0001…
    expect(platformFeeRefunded(big, 99_999_998, 'proportional')).toBe(99_989_998)
  })

  it('refuses amounts that are not integers or out of range', () => {
    expect(() => platformFeeRefunded(split(1_000), 1_001, 'proportional')).toThrow(RangeError)
    expect(() => platformFeeRefunded(split(1_000), 0.5, 'proportional')).toThrow(RangeError)
    expect(() =>
      platformFeeRefunded({ amount: 1_000, platformFee: 100, ownerPayoutAmount: 800 }, 1, 'proportional'),
    ).toThrow(RangeError)
  })
})

describe('when a payout is due', () => {
  const timing = {
    startDate: '2026-12-24',
    endDate: '2026-12-27',
    timeZone: 'UTC',
    completedAt: new Date('2026-12-01T10:18:00.000Z'),
  }

  it('at the rental start by default: 00:00 local time on the start date, plus whole days', () => {
    expect(payoutDueAt(timing, 'rental_start', 0).toISOString()).toBe('2026-12-24T00:00:00.000Z')
    expect(payoutDueAt(timing, 'rental_start', 2).toISOString()).toBe('2026-12-26T00:00:00.000Z')
    const berlin = { ...timing, timeZone: 'Europe/Berlin' }
    expect(payoutDueAt(berlin, 'rental_start', 0).toISOString()).toBe('2026-12-23T23:00:00.000Z')
    expect(payoutDueAt(berlin, 'rental_start', 0)).toEqual(startOfDay('2026-12-24', 'Europe/Berlin'))
  })

  it('at the rental end (the return day), or the payment plus 24-hour days', () => {
    expect(payoutDueAt(timing, 'rental_end', 0).toISOString()).toBe('2026-12-27T00:00:00.000Z')
    expect(payoutDueAt(timing, 'rental_end', 1).toISOString()).toBe('2026-12-28T00:00:00.000Z')
    expect(payoutDueAt(timing, 'payment', 0).toISOString()).toBe('2026-12-01T10:18:00.000Z')
    expect(payoutDueAt(timing, 'payment', 3).toISOString()).toBe('2026-12-04T10:18:00.000Z')
  })

  it('counts calendar days across a change of the clocks', () => {
    // Berlin springs forward on 2027-03-28: local midnight is 23:00 UTC before it and 22:00 UTC after.
    const spring = { ...timing, startDate: '2027-03-27', timeZone: 'Europe/Berlin' }
    expect(payoutDueAt(spring, 'rental_start', 0).toISOString()).toBe('2027-03-26T23:00:00.000Z')
    expect(payoutDueAt(spring, 'rental_start', 2).toISOString()).toBe('2027-03-28T22:00:00.000Z')
  })

  it('refuses a delay that is not a whole number of days', () => {
    expect(() => payoutDueAt(timing, 'payment', 1.5)).toThrow(RangeError)
  })

  it('is written on the scheduling audit row, and read back from it for the timeline', () => {
    const at = '2027-03-26T23:00:00.000Z'
    expect(scheduledDetail(at)).toBe(`due ${at}`)
    expect(dueAtOf(scheduledDetail(at))).toBe(at)
    expect(scheduledDetail(at, 'damage claim captured')).toBe(`damage claim captured, due ${at}`)
    expect(dueAtOf(scheduledDetail(at, 'damage claim captured'))).toBe(at)
    expect(dueAtOf('refunds changed the owner share')).toBeUndefined()
    expect(dueAtOf(null)).toBeUndefined()
  })
})

describe('a connected account, in one word', () => {
  const account = {
    detailsSubmitted: true,
    payoutsEnabled: true,
    transfersCapability: 'active',
    disabledReason: null,
  }

  it('can be paid only with payouts enabled and the transfers capability active', () => {
    expect(canReceiveTransfers(account)).toBe(true)
    expect(payoutAccountStatus(account)).toBe('enabled')
    expect(canReceiveTransfers({ ...account, payoutsEnabled: false })).toBe(false)
    expect(canReceiveTransfers({ ...account, transfersCapability: 'pending' })).toBe(false)
    expect(canReceiveTransfers({ ...account, transfersCapability: null })).toBe(false)
  })

  it('is onboarding until submitted, then restricted or disabled while it cannot be paid', () => {
    const fresh = {
      detailsSubmitted: false,
      payoutsEnabled: false,
      transfersCapability: 'inactive',
      disabledReason: 'requirements.past_due',
    }
    expect(payoutAccountStatus(fresh)).toBe('onboarding')
    expect(payoutAccountStatus({ ...account, transfersCapability: 'pending' })).toBe('restricted')
    expect(payoutAccountStatus({ ...account, payoutsEnabled: false, disabledReason: 'rejected.fraud' })).toBe(
      'disabled',
    )
  })
})

describe('payout settings', () => {
  it('default to Stripe Connect transfers at the rental start, no delay, the fee refunded in proportion', () => {
    const settings = loadSettings({ ...env })
    expect(settings).toMatchObject({
      OWNER_PAYOUTS: 'stripe_connect',
      PAYOUT_RELEASE_AT: 'rental_start',
      PAYOUT_DELAY_DAYS: 0,
      REFUND_FEE_POLICY: 'proportional',
    })
  })

  it('take the other moments and policies, and refuse anything else', () => {
    const with_ = (vars: Record<string, string>) => loadSettings({ ...env, ...vars })
    expect(with_({ PAYOUT_RELEASE_AT: 'rental_end', PAYOUT_DELAY_DAYS: '7' })).toMatchObject({
      PAYOUT_RELEASE_AT: 'rental_end',
      PAYOUT_DELAY_DAYS: 7,
    })
    expect(with_({ REFUND_FEE_POLICY: 'platform_keeps' }).REFUND_FEE_POLICY).toBe('platform_keeps')
    expect(
      with_({ PAYOUT_ONBOARDING_ORIGINS: ' https://a.example , https://b.example,' })
        .PAYOUT_ONBOARDING_ORIGINS,
    ).toEqual(['https://a.example', 'https://b.example'])
    expect(() => with_({ PAYOUT_RELEASE_AT: 'tomorrow' })).toThrow(/PAYOUT_RELEASE_AT/)
    expect(() => with_({ PAYOUT_DELAY_DAYS: '-1' })).toThrow(/PAYOUT_DELAY_DAYS/)
    expect(() => with_({ REFUND_FEE_POLICY: 'owner_keeps' })).toThrow(/REFUND_FEE_POLICY/)
    expect(() => with_({ OWNER_PAYOUTS: 'paypal' })).toThrow(/OWNER_PAYOUTS/)
  })

  it('need the Connect webhook secret unless owners are paid another way', () => {
    expect(() => loadSettings({ ...env, STRIPE_CONNECT_WEBHOOK_SECRET: '' })).toThrow(
      /STRIPE_CONNECT_WEBHOOK_SECRET/,
    )
    expect(
      loadSettings({ ...env, STRIPE_CONNECT_WEBHOOK_SECRET: '', OWNER_PAYOUTS: 'off' }).OWNER_PAYOUTS,
    ).toBe('off')
  })
})
