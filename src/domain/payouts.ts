import type { Settings } from '../env'
import { startOfDay } from './cancellation-policies'

/*
 * Owner payouts, as pure rules: what the owner of a paid rental is owed after refunds and disputes, and when
 * their payout is due. docs/PAYOUTS.md tells the whole flow.
 */

export type RefundFeePolicy = Settings['REFUND_FEE_POLICY']

/** What a payout pays: the owner's share of a rental's payment, or of a captured damage claim. */
export const payoutKinds = ['rental', 'damage_claim'] as const
export type PayoutKind = (typeof payoutKinds)[number]

export type PayoutReleaseMoment = Settings['PAYOUT_RELEASE_AT']

/** A payment's split, in integer minor units (domain/fees.ts): amount = platformFee + ownerPayoutAmount. */
export interface PaymentSplit {
  amount: number
  platformFee: number
  ownerPayoutAmount: number
}

const checkSplit = ({ amount, platformFee, ownerPayoutAmount }: PaymentSplit) => {
  for (const value of [amount, platformFee, ownerPayoutAmount])
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError('amounts must be non-negative integers')
  if (amount === 0 || platformFee + ownerPayoutAmount !== amount)
    throw new RangeError('platformFee + ownerPayoutAmount must equal a positive amount')
}

/**
 * Of `taken` (everything refunded so far, plus a disputed amount withheld: cumulative, never per refund, so
 * that partial refunds never drift), the part the platform fee gives back, in minor units.
 *
 * - `proportional`: the fee is refunded in proportion: round_half_up(taken × platform_fee / amount), the same
 *   rounding as the fee itself (domain/fees.ts), so a full refund gives back exactly the fee.
 * - `platform_keeps`: the platform keeps its whole fee; the owner's share carries the refund, up to the
 *   payout (only a refund beyond the owner's payout reaches the fee).
 *
 * The owner bears the rest: taken − the fee's part. Zero-decimal currencies follow the same rule (the minor
 * unit is the whole yen). Examples (10% fee):
 *
 *   proportional,   2 999 paid (fee 300, owner 2 699), 1 000 refunded → fee gives back 100 (100.03), owner 900
 *   proportional,   ¥1 005 paid (fee 101, owner 904), ¥5 refunded → fee gives back ¥1 (0.5025), owner ¥4
 *   platform_keeps, 2 999 paid, 1 000 refunded → fee gives back 0, owner 1 000
 *   platform_keeps, 2 999 paid, 2 800 refunded → fee gives back 101, owner 2 699 (all of their payout)
 */
export function platformFeeRefunded(split: PaymentSplit, taken: number, policy: RefundFeePolicy): number {
  checkSplit(split)
  if (!Number.isSafeInteger(taken) || taken < 0 || taken > split.amount)
    throw new RangeError('taken must be an integer within 0..amount')
  if (policy === 'platform_keeps') return Math.max(0, taken - split.ownerPayoutAmount)
  // BigInt: taken × fee can pass 2^53 (both up to 99 999 999); (2·taken·fee + amount) / (2·amount) floors.
  const [t, fee, amount] = [BigInt(taken), BigInt(split.platformFee), BigInt(split.amount)]
  return Number((2n * t * fee + amount) / (2n * amount))
}

/** The part of `taken` the owner bears (see platformFeeRefunded). */
export const ownerRefundShare = (split: PaymentSplit, taken: number, policy: RefundFeePolicy): number =>
  taken - platformFeeRefunded(split, taken, policy)

/**
 * What the owner is owed of a payment once `refunded` has gone back to the renter and `disputed` is withheld
 * by a dispute (open or lost): their payout less their share of both, never below zero.
 */
export function ownerShareAfter(
  split: PaymentSplit,
  refunded: number,
  disputed: number,
  policy: RefundFeePolicy,
): number {
  const taken = Math.min(split.amount, refunded + disputed)
  return split.ownerPayoutAmount - ownerRefundShare(split, taken, policy)
}

/** What a payout is due after: the rental's dates and time zone, and when its payment completed. */
export interface PayoutTiming {
  startDate: string
  /** Exclusive: the return day. */
  endDate: string
  timeZone: string
  completedAt: Date
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/**
 * The instant a payout becomes due: the rental's start (00:00 local time on the start date, as cancellation
 * policies count it), the payment's completion, or the rental's end (00:00 local time on the return day),
 * plus `delayDays` (calendar days in the rental's time zone; 24-hour days after a payment).
 */
export function payoutDueAt(timing: PayoutTiming, moment: PayoutReleaseMoment, delayDays: number): Date {
  if (!Number.isInteger(delayDays) || delayDays < 0) throw new RangeError('delayDays must be a whole number')
  if (moment === 'payment') return new Date(timing.completedAt.getTime() + delayDays * 86_400_000)
  const date = moment === 'rental_start' ? timing.startDate : timing.endDate
  return startOfDay(addDays(date, delayDays), timing.timeZone)
}

/** What Stripe says of a connected account that decides whether it can be paid. */
/**
 * The audit detail of a payout's scheduling, which says when it is due (`why`: what scheduled it, if not its
 * payment), and the due time read back from one (the payment timeline shows it).
 */
export const scheduledDetail = (dueAt: string, why?: string) => `${why ? `${why}, ` : ''}due ${dueAt}`
export const dueAtOf = (detail: string | null | undefined) => detail?.match(/(?:^|, )due (\S+)$/)?.[1]

export interface ConnectedAccountState {
  detailsSubmitted: boolean
  payoutsEnabled: boolean
  /** The status of its `transfers` capability (null when not requested). */
  transfersCapability: string | null
  disabledReason: string | null
}

export const payoutAccountStatuses = ['onboarding', 'enabled', 'restricted', 'disabled'] as const
export type PayoutAccountStatus = (typeof payoutAccountStatuses)[number]

/** Transfers can be sent to it: payouts enabled and the `transfers` capability active. */
export const canReceiveTransfers = (account: ConnectedAccountState) =>
  account.payoutsEnabled && account.transfersCapability === 'active'

/**
 * One word for the owner: `enabled` (can be paid), `onboarding` (details not yet submitted), `disabled`
 * (Stripe disabled it: requirements.disabled_reason) or `restricted` (submitted, but not yet or no longer
 * able to receive: verification pending, a capability inactive).
 */
export function payoutAccountStatus(account: ConnectedAccountState): PayoutAccountStatus {
  if (canReceiveTransfers(account)) return 'enabled'
  if (!account.detailsSubmitted) return 'onboarding'
  if (account.disabledReason) return 'disabled'
  return 'restricted'
}
