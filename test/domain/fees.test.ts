import { describe, expect, it } from 'vitest'
import { splitPlatformFee } from '../../src/domain/fees'

describe('splitPlatformFee', () => {
  it('takes 10% of the original example: $100.00 → $10.00 fee, $90.00 to the owner', () => {
    expect(splitPlatformFee(10_000, 10)).toEqual({ platformFee: 1_000, ownerPayoutAmount: 9_000 })
  })

  it('rounds the fee half up to the nearest minor unit and gives the remainder to the owner', () => {
    expect(splitPlatformFee(2_999, 10)).toEqual({ platformFee: 300, ownerPayoutAmount: 2_699 })
    expect(splitPlatformFee(2_994, 10)).toEqual({ platformFee: 299, ownerPayoutAmount: 2_695 })
    expect(splitPlatformFee(2_995, 10)).toEqual({ platformFee: 300, ownerPayoutAmount: 2_695 })
  })

  it('treats zero-decimal currencies the same way: whole yen', () => {
    expect(splitPlatformFee(1_005, 10)).toEqual({ platformFee: 101, ownerPayoutAmount: 904 })
    expect(splitPlatformFee(1, 10)).toEqual({ platformFee: 0, ownerPayoutAmount: 1 })
  })

  it('supports fractional percentages and the bounds', () => {
    expect(splitPlatformFee(1_000, 12.5)).toEqual({ platformFee: 125, ownerPayoutAmount: 875 })
    expect(splitPlatformFee(1_000, 0)).toEqual({ platformFee: 0, ownerPayoutAmount: 1_000 })
    expect(splitPlatformFee(1_000, 100)).toEqual({ platformFee: 1_000, ownerPayoutAmount: 0 })
  })

  it('always adds up, for every amount', () => {
    for (let amount = 0; amount < 5_000; amount += 7) {
      const { platformFee, ownerPayoutAmount } = splitPlatformFee(amount, 10)
      expect(platformFee + ownerPayoutAmount).toBe(amount)
      expect(Number.isInteger(platformFee)).toBe(true)
    }
  })

  it('refuses non-integer amounts and out-of-range percentages', () => {
    expect(() => splitPlatformFee(10.5, 10)).toThrow(RangeError)
    expect(() => splitPlatformFee(100, 101)).toThrow(RangeError)
  })
})

describe('PLATFORM_FEE_PERCENT', () => {
  it('takes up to two decimals and refuses more rather than rounding silently', async () => {
    const { env } = await import('cloudflare:test')
    const { loadSettings } = await import('../../src/env')
    expect(loadSettings({ ...env, PLATFORM_FEE_PERCENT: '12.5' }).PLATFORM_FEE_PERCENT).toBe(12.5)
    expect(loadSettings({ ...env, PLATFORM_FEE_PERCENT: '7.35' }).PLATFORM_FEE_PERCENT).toBe(7.35)
    expect(() => loadSettings({ ...env, PLATFORM_FEE_PERCENT: '12.345' })).toThrow(/PLATFORM_FEE_PERCENT/)
    expect(() => loadSettings({ ...env, PLATFORM_FEE_PERCENT: '101' })).toThrow(/PLATFORM_FEE_PERCENT/)
  })
})
