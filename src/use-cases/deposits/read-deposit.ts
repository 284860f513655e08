import { sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { runBatchNamed, selectRows } from '../../adapters/d1/client'
import { deposits, rentals, type Deposit, type Rental } from '../../adapters/d1/schema'
import { authorizeRental, type Actor, type rentalRules } from '../../domain/access'
import type { DepositStatus } from '../../domain/state-machines'
import { callStripe, idOf } from '../../adapters/stripe/client'
import type { Services } from '../context'

/** A rental and its deposit (if its payment completed with one), for a caller who may `action` the rental. */
export async function rentalWithDeposit(
  { db }: Pick<Services, 'db'>,
  user: Actor,
  rentalId: string,
  action: keyof typeof rentalRules,
): Promise<{ rental: Rental; deposit: Deposit | undefined }> {
  const read = await runBatchNamed(db, [], {
    rental: selectRows(db, rentals, sql`id = ${rentalId}`),
    deposit: selectRows(db, deposits, sql`rental_id = ${rentalId}`),
  })
  const rental = read.rental.results[0] as Rental | undefined
  authorizeRental(user, rental, action)
  return { rental, deposit: read.deposit.results[0] as Deposit | undefined }
}

export type DepositStatusJson = DepositStatus | 'not_required'

export interface DepositJson {
  id: string | null
  rental_id: string
  amount: number
  currency: string
  status: DepositStatusJson
  hold_due_at: string | null
  hold_expires_at: string | null
  captured_amount: number
  released_at: string | null
  claim_window_ends_at: string | null
  failure_code: string | null
  failure_message: string | null
  client_secret?: string
  payment_method_id?: string | null
}

/**
 * The deposit as the API shows it. A rental with no deposit row has none to hold (`not_required`), or, while
 * it is still pending payment, one that will be scheduled once it is paid (`scheduled`, no dates yet).
 */
export function toDepositJson(rental: Rental, deposit: Deposit | undefined): DepositJson {
  if (!deposit) {
    const coming = rental.depositAmount > 0 && rental.status === 'pending'
    return {
      id: null,
      rental_id: rental.id,
      amount: coming ? rental.depositAmount : 0,
      currency: rental.currency,
      status: coming ? 'scheduled' : 'not_required',
      hold_due_at: null,
      hold_expires_at: null,
      captured_amount: 0,
      released_at: null,
      claim_window_ends_at: null,
      failure_code: null,
      failure_message: null,
    }
  }
  return {
    id: deposit.id,
    rental_id: deposit.rentalId,
    amount: deposit.amount,
    currency: deposit.currency,
    status: deposit.status,
    hold_due_at: deposit.holdDueAt,
    hold_expires_at: deposit.holdExpiresAt,
    captured_amount: deposit.capturedAmount,
    released_at: deposit.releasedAt,
    claim_window_ends_at: deposit.claimWindowEndsAt,
    failure_code: deposit.failureCode,
    failure_message: deposit.failureMessage,
  }
}

/**
 * GET /api/rentals/{id}/deposit: the renter, the owner and admins. Only the renter is given the client secret
 * (and the saved card to confirm with), and only while the deposit waits for them (action_required).
 */
export async function readDeposit(deps: Services, user: Actor, rentalId: string): Promise<DepositJson> {
  const { rental, deposit } = await rentalWithDeposit(deps, user, rentalId, 'read')
  const json = toDepositJson(rental, deposit)
  if (deposit?.status !== 'action_required' || deposit.renterId !== user.id || !deposit.stripePaymentIntentId)
    return json
  return withClientSecret(deps, json, deposit.stripePaymentIntentId)
}

/** The deposit with what the renter's Stripe.js needs to confirm its intent on-session. */
export async function withClientSecret(
  deps: Pick<Services, 'stripe'>,
  json: DepositJson,
  intentId: string,
): Promise<DepositJson> {
  return withIntentSecret(json, await callStripe(() => deps.stripe.paymentIntents.retrieve(intentId)))
}

/** The same, from an intent already read from Stripe. */
export function withIntentSecret(json: DepositJson, intent: Stripe.PaymentIntent): DepositJson {
  return {
    ...json,
    client_secret: intent.client_secret ?? undefined,
    payment_method_id: intent.last_payment_error?.payment_method?.id ?? idOf(intent.payment_method) ?? null,
  }
}
