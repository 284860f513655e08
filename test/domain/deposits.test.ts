import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import {
  captureBeforeOf,
  claimFeeBasisPoints,
  claimRespondBy,
  claimWindowEndsAt,
  depositIntentOutcome,
  holdDueAt,
  needsRehold,
  splitClaim,
  type DepositSettings,
} from '../../src/domain/deposits'

const settings: DepositSettings = {
  DEPOSIT_HOLD_LEAD_HOURS: 24,
  DEPOSIT_CLAIM_WINDOW_HOURS: 48,
  DEPOSIT_REHOLD_BEFORE_HOURS: 12,
  DEPOSIT_CLAIM_RESPONSE_HOURS: 72,
  DEPOSIT_CLAIM_FEE_PERCENT: 0,
}

const at = (iso: string) => new Date(iso)

describe('when a hold is placed', () => {
  it('DEPOSIT_HOLD_LEAD_HOURS before 00:00 local time on the start date', () => {
    const rental = { startDate: '2026-12-24', endDate: '2026-12-27', timeZone: 'UTC' }
    expect(holdDueAt(rental, settings).toISOString()).toBe('2026-12-23T00:00:00.000Z')
    expect(holdDueAt(rental, { ...settings, DEPOSIT_HOLD_LEAD_HOURS: 6 }).toISOString()).toBe(
      '2026-12-23T18:00:00.000Z',
    )
    // Berlin is UTC+1 in December: the rental starts at 23:00 UTC the day before.
    expect(holdDueAt({ ...rental, timeZone: 'Europe/Berlin' }, settings).toISOString()).toBe(
      '2026-12-22T23:00:00.000Z',
    )
  })
})

describe('the claim window', () => {
  const rental = { startDate: '2026-12-24', endDate: '2026-12-27', timeZone: 'UTC' }

  it('closes DEPOSIT_CLAIM_WINDOW_HOURS after the end, however early the instrument came back', () => {
    expect(claimWindowEndsAt(rental, null, settings).toISOString()).toBe('2026-12-29T00:00:00.000Z')
    expect(claimWindowEndsAt(rental, at('2026-12-25T10:00:00Z'), settings).toISOString()).toBe(
      '2026-12-29T00:00:00.000Z',
    )
  })

  it('or after the return, when the owner marked it returned after the end', () => {
    expect(claimWindowEndsAt(rental, at('2026-12-28T09:30:00Z'), settings).toISOString()).toBe(
      '2026-12-30T09:30:00.000Z',
    )
  })

  it('gives the renter DEPOSIT_CLAIM_RESPONSE_HOURS to answer a claim', () => {
    expect(claimRespondBy(at('2026-12-28T09:30:00Z'), settings).toISOString()).toBe(
      '2026-12-31T09:30:00.000Z',
    )
  })
})

describe('a fresh hold', () => {
  const deposit = { holdExpiresAt: '2026-12-26T12:00:00.000Z', claimWindowEndsAt: '2026-12-29T00:00:00.000Z' }

  it('is needed within DEPOSIT_REHOLD_BEFORE_HOURS of the expiry, when the window closes after it', () => {
    expect(needsRehold(deposit, false, at('2026-12-25T23:59:00Z'), settings)).toBe(false)
    expect(needsRehold(deposit, false, at('2026-12-26T00:00:00Z'), settings)).toBe(true)
    expect(needsRehold(deposit, false, at('2026-12-26T11:00:00Z'), settings)).toBe(true)
  })

  it('is not needed when the hold outlasts the window, unless a claim is still unsettled', () => {
    const covering = { ...deposit, holdExpiresAt: '2026-12-29T06:00:00.000Z' }
    expect(needsRehold(covering, false, at('2026-12-29T01:00:00Z'), settings)).toBe(false)
    expect(needsRehold(covering, true, at('2026-12-29T01:00:00Z'), settings)).toBe(true)
    expect(needsRehold({ ...deposit, holdExpiresAt: null }, true, at('2026-12-29T01:00:00Z'), settings)).toBe(
      false,
    )
  })
})

describe('what a claim collects', () => {
  it('is split into the platform fee (rounded half up) and the owner’s share, adding up', () => {
    expect(claimFeeBasisPoints({ ...settings, DEPOSIT_CLAIM_FEE_PERCENT: 12.5 })).toBe(1250)
    expect(splitClaim(6_000, 0)).toEqual({ platformFee: 0, ownerShare: 6_000 })
    expect(splitClaim(3_333, 1250)).toEqual({ platformFee: 417, ownerShare: 2_916 })
    expect(splitClaim(2_999, 1000)).toEqual({ platformFee: 300, ownerShare: 2_699 })
    for (const captured of [1, 49, 50, 4_999, 99_999_999]) {
      const { platformFee, ownerShare } = splitClaim(captured, 3333)
      expect(platformFee + ownerShare).toBe(captured)
    }
  })
})

const intent = (fields: Partial<Stripe.PaymentIntent>) =>
  ({
    id: 'pi_1',
    object: 'payment_intent',
    amount: 10_000,
    amount_received: 0,
    ...fields,
  }) as Stripe.PaymentIntent

describe("a deposit intent's outcome", () => {
  it('a hold authorized: held until its charge’s capture_before, as Stripe says', () => {
    const held = intent({
      status: 'requires_capture',
      payment_method: 'pm_1',
      latest_charge: { payment_method_details: { card: { capture_before: 1_798_000_000 } } } as Stripe.Charge,
    })
    expect(captureBeforeOf(held)?.getTime()).toBe(1_798_000_000_000)
    expect(depositIntentOutcome(held)).toEqual({
      kind: 'held',
      captureBefore: new Date(1_798_000_000_000),
      paymentMethodId: 'pm_1',
    })
    // Without the charge expanded the expiry is unknown here (applyDepositIntent reads the charge).
    expect(depositIntentOutcome(intent({ status: 'requires_capture', latest_charge: 'ch_1' }))).toMatchObject(
      {
        kind: 'held',
        captureBefore: null,
      },
    )
  })

  it('a capture or an off-session charge: what Stripe received', () => {
    expect(depositIntentOutcome(intent({ status: 'succeeded', amount_received: 6_000 }))).toEqual({
      kind: 'collected',
      amount: 6_000,
    })
  })

  it('canceled by Stripe (automatic, or expired on older versions): expired; by anyone else: canceled', () => {
    expect(depositIntentOutcome(intent({ status: 'canceled', cancellation_reason: 'automatic' }))).toEqual({
      kind: 'expired',
    })
    expect(
      depositIntentOutcome(intent({ status: 'canceled', cancellation_reason: 'expired' as 'automatic' })),
    ).toEqual({ kind: 'expired' })
    expect(depositIntentOutcome(intent({ status: 'canceled', cancellation_reason: 'abandoned' }))).toEqual({
      kind: 'canceled',
    })
    expect(depositIntentOutcome(intent({ status: 'canceled', cancellation_reason: null }))).toEqual({
      kind: 'canceled',
    })
  })

  it('refused off-session, or waiting for the renter: needs the renter, with the decline', () => {
    const declined = intent({
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'card_error',
        code: 'authentication_required',
        decline_code: 'authentication_required',
        message: 'Your card was declined. This transaction requires authentication.',
      } as Stripe.PaymentIntent.LastPaymentError,
    })
    expect(depositIntentOutcome(declined)).toEqual({
      kind: 'needs_renter',
      code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
    })
    expect(depositIntentOutcome(intent({ status: 'requires_payment_method' }))).toMatchObject({
      kind: 'needs_renter',
      code: 'payment_method_required',
    })
    for (const status of ['requires_action', 'requires_confirmation'] as const)
      expect(depositIntentOutcome(intent({ status }))).toMatchObject({ kind: 'needs_renter' })
    expect(depositIntentOutcome(intent({ status: 'processing' }))).toBeUndefined()
  })
})
