import type Stripe from 'stripe'
import { startOfDay } from './cancellation-policies'
import { splitPlatformFee } from './fees'

/*
 * The rules of security deposits, as pure functions (docs/DEPOSITS.md). A deposit is held on the renter's
 * saved card DEPOSIT_HOLD_LEAD_HOURS before the rental starts (at payment when the start is nearer), kept held
 * until the claim window closes (DEPOSIT_CLAIM_WINDOW_HOURS after the end, or after the return when later)
 * and while a claim on it is unsettled, then released; a claim takes the accepted or decided amount of it.
 */

const HOUR = 3_600_000

export interface DepositSettings {
  DEPOSIT_HOLD_LEAD_HOURS: number
  DEPOSIT_CLAIM_WINDOW_HOURS: number
  DEPOSIT_REHOLD_BEFORE_HOURS: number
  DEPOSIT_CLAIM_RESPONSE_HOURS: number
  DEPOSIT_CLAIM_FEE_PERCENT: number
}

interface RentalDates {
  startDate: string
  endDate: string
  timeZone: string
}

/** When the hold is placed: DEPOSIT_HOLD_LEAD_HOURS before 00:00 local time on the start date. */
export const holdDueAt = (rental: RentalDates, settings: DepositSettings): Date =>
  new Date(startOfDay(rental.startDate, rental.timeZone).getTime() - settings.DEPOSIT_HOLD_LEAD_HOURS * HOUR)

/**
 * When the owner can no longer file a claim: DEPOSIT_CLAIM_WINDOW_HOURS after the end of the rental (00:00
 * local time on the return day), or after the owner marked it returned if that was later.
 */
export function claimWindowEndsAt(
  rental: RentalDates,
  returnedAt: Date | null,
  settings: DepositSettings,
): Date {
  const end = startOfDay(rental.endDate, rental.timeZone).getTime()
  const from = Math.max(end, returnedAt?.getTime() ?? end)
  return new Date(from + settings.DEPOSIT_CLAIM_WINDOW_HOURS * HOUR)
}

/** Until when the renter may accept or contest a claim filed at `filedAt`; unanswered, it counts as accepted. */
export const claimRespondBy = (filedAt: Date, settings: DepositSettings): Date =>
  new Date(filedAt.getTime() + settings.DEPOSIT_CLAIM_RESPONSE_HOURS * HOUR)

/**
 * Whether a held deposit needs a fresh hold now: its hold expires within DEPOSIT_REHOLD_BEFORE_HOURS, and the
 * deposit is needed beyond that expiry (the claim window closes later, or a claim is still unsettled).
 */
export function needsRehold(
  deposit: { holdExpiresAt: string | null; claimWindowEndsAt: string },
  claimUnsettled: boolean,
  now: Date,
  settings: DepositSettings,
): boolean {
  if (!deposit.holdExpiresAt) return false
  const expires = Date.parse(deposit.holdExpiresAt)
  if (expires - settings.DEPOSIT_REHOLD_BEFORE_HOURS * HOUR > now.getTime()) return false
  return claimUnsettled || Date.parse(deposit.claimWindowEndsAt) > expires
}

/** DEPOSIT_CLAIM_FEE_PERCENT in basis points, as a claim keeps it from its filing. */
export const claimFeeBasisPoints = (settings: DepositSettings) =>
  Math.round(settings.DEPOSIT_CLAIM_FEE_PERCENT * 100)

/**
 * What a claim's captured amount is split into: the platform's fee at the claim's rate (basis points, rounded
 * half up as domain/fees.ts does) and the owner's share, the rest.
 */
export const splitClaim = (captured: number, feeBasisPoints: number) => {
  const split = splitPlatformFee(captured, feeBasisPoints / 100)
  return { platformFee: split.platformFee, ownerShare: split.ownerPayoutAmount }
}

export type DepositIntentOutcome =
  /** A hold authorized: the card is held until `captureBefore`. */
  | { kind: 'held'; captureBefore: Date | null; paymentMethodId: string | null }
  /** Money taken: a hold captured (the rest released), or an off-session charge succeeded. */
  | { kind: 'collected'; amount: number }
  /** Stripe let the hold expire. */
  | { kind: 'expired' }
  /** Canceled by us (released, or replaced by a fresh hold) or in the Stripe dashboard. */
  | { kind: 'canceled' }
  /** The card could not be used off-session: declined, or the bank wants the renter to authenticate. */
  | { kind: 'needs_renter'; code: string; message: string }
  | undefined

const idOf = (field: string | { id: string } | null | undefined) =>
  typeof field === 'string' ? field : (field?.id ?? null)

/** The charge's `capture_before`, when the intent came with its latest charge expanded. */
export function captureBeforeOf(intent: Stripe.PaymentIntent): Date | null {
  const charge = intent.latest_charge
  const seconds =
    charge && typeof charge === 'object' ? charge.payment_method_details?.card?.capture_before : undefined
  return typeof seconds === 'number' ? new Date(seconds * 1000) : null
}

/** What a deposit's PaymentIntent says, whatever its purpose; undefined when it says nothing yet (processing). */
export function depositIntentOutcome(intent: Stripe.PaymentIntent): DepositIntentOutcome {
  switch (intent.status) {
    case 'requires_capture':
      return {
        kind: 'held',
        captureBefore: captureBeforeOf(intent),
        paymentMethodId: idOf(intent.payment_method),
      }
    case 'succeeded':
      return { kind: 'collected', amount: intent.amount_received }
    case 'canceled':
      // Stripe's reason for a hold it let lapse is `automatic` (older API versions said `expired`).
      return (intent.cancellation_reason as string | null) === 'automatic' ||
        (intent.cancellation_reason as string | null) === 'expired'
        ? { kind: 'expired' }
        : { kind: 'canceled' }
    case 'requires_payment_method': {
      const error = intent.last_payment_error
      return {
        kind: 'needs_renter',
        code: error?.decline_code ?? error?.code ?? 'payment_method_required',
        message: error?.message ?? 'A card is needed to hold the deposit',
      }
    }
    case 'requires_action':
    case 'requires_confirmation':
      return {
        kind: 'needs_renter',
        code: 'authentication_required',
        message: 'The bank asks the renter to authorize the deposit',
      }
    default:
      return undefined
  }
}
