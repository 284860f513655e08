import { and, eq, isNull, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { prepareBuilt, runBatch, runBatchNamed, selectRows, type Database } from '../db/client'
import { payments, rentals } from '../db/schema'
import type { AuthUser, Settings } from '../env'
import type { Logger } from '../lib/logger'
import { authorizeRental } from '../domain/access'
import { ApiError } from '../lib/errors'
import { splitPlatformFee } from '../lib/fees'
import { newId } from '../lib/ids'
import { nowIso } from '../lib/time'
import { applyStripeIntent } from './apply-intent'
import { cancelIntent, intentOutcome, type Payment } from './payment-intents'
import { transition } from './transitions'
import type { Rental } from './rentals'
import { auditIfChanged } from './audit'
import { callStripe } from './stripe'

export type { Payment }

export interface PaymentDeps {
  db: Database
  stripe: Stripe
  settings: Settings
  logger: Logger
}

/**
 * The renter's rental and its payment (if one was initiated), read in one D1 round trip. The rental's owner
 * gets 403, anyone else 404 (not even its existence is revealed); the payment is only returned to the renter.
 */
async function rentalForRenter(
  db: Database,
  user: AuthUser,
  rentalId: string,
): Promise<{ rental: Rental; payment: Payment | undefined }> {
  const [rentalRows, paymentRows] = await runBatch(db, [
    selectRows(db, rentals, sql`id = ${rentalId}`),
    selectRows(db, payments, sql`rental_id = ${rentalId}`),
  ])
  const rental = rentalRows!.results[0] as Rental | undefined
  authorizeRental(user, rental, 'pay')
  return { rental, payment: paymentRows!.results[0] as Payment | undefined }
}

const paymentOfRental = (db: Database, rentalId: string) =>
  db.query.payments.findFirst({ where: eq(payments.rentalId, rentalId) })

/** Idempotency key derived from our own record: a retry, in this request or another, cannot charge twice. */
const intentKey = (payment: Payment) => `backline:payment:${payment.id}:attempt:${payment.attempt}`

export interface Initiated {
  payment: Payment
  intent: Stripe.PaymentIntent
}

export async function initiatePayment(
  deps: PaymentDeps,
  user: AuthUser,
  rentalId: string,
): Promise<Initiated> {
  const { rental, payment: existing } = await rentalForRenter(deps.db, user, rentalId)
  if (rental.status !== 'pending') {
    throw new ApiError('rental_not_payable', `Rental is ${rental.status}; only a pending rental can be paid`)
  }
  if (rental.holdExpiresAt <= nowIso()) {
    throw new ApiError('rental_hold_expired', 'The hold on these dates has expired; book the rental again')
  }
  let payment = existing ?? (await createPendingPayment(deps, rental))
  if (payment.status === 'failed') payment = await startNewAttempt(deps, payment)
  if (payment.status !== 'pending' && payment.status !== 'processing') {
    throw new ApiError('payment_already_completed', `Payment is already ${payment.status}`)
  }
  if (payment.stripePaymentIntentId) {
    const intentId = payment.stripePaymentIntentId
    const intent = await callStripe(() => deps.stripe.paymentIntents.retrieve(intentId))
    return { payment, intent }
  }
  const intent = await createIntent(deps, payment, rental)
  // Conditional on the attempt: two concurrent initiates got the same intent (same idempotency key).
  const [stored] = await deps.db
    .update(payments)
    .set({ stripePaymentIntentId: intent.id, updatedAt: nowIso() })
    .where(
      and(
        eq(payments.id, payment.id),
        eq(payments.attempt, payment.attempt),
        isNull(payments.stripePaymentIntentId),
      ),
    )
    .returning()
  return { payment: stored ?? (await paymentOfRental(deps.db, rental.id)) ?? payment, intent }
}

async function createPendingPayment(deps: PaymentDeps, rental: Rental): Promise<Payment> {
  const now = nowIso()
  const split = splitPlatformFee(rental.amount, deps.settings.PLATFORM_FEE_PERCENT)
  const id = newId('pay')
  // The unique index on rental_id settles two concurrent first initiates: one row, both read it back.
  const insert = deps.db
    .insert(payments)
    .values({
      id,
      rentalId: rental.id,
      renterId: rental.renterId,
      ownerId: rental.ownerId,
      amount: rental.amount,
      currency: rental.currency,
      status: 'pending',
      platformFee: split.platformFee,
      ownerPayoutAmount: split.ownerPayoutAmount,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
  const { stored } = await runBatchNamed(
    deps.db,
    [
      prepareBuilt(deps.db, insert),
      auditIfChanged(deps.db, 'payment', id, { to: 'pending', source: 'api', now, detail: 'attempt 1' }),
    ],
    { stored: selectRows(deps.db, payments, sql`rental_id = ${rental.id}`) },
  )
  return stored.results[0] as Payment
}

/**
 * After a failed attempt: a new attempt number, hence a new idempotency key and a new PaymentIntent. The old
 * intent is canceled first so that it can no longer be paid; if it was paid after all (Stripe.js lets the
 * customer retry the same intent with another card), that payment is applied instead of starting a second one.
 */
async function startNewAttempt(deps: PaymentDeps, failed: Payment): Promise<Payment> {
  if (failed.stripePaymentIntentId) {
    const previous = await cancelIntent(deps.stripe, failed.stripePaymentIntentId)
    if (previous.status === 'succeeded' || previous.status === 'processing') {
      return (await applyStripeIntent(deps, { payment: failed, intent: previous, source: 'api' })).payment
    }
    if (previous.status !== 'canceled') {
      // Still payable (e.g. the customer is in 3-D Secure on it): a second intent could charge twice.
      throw new ApiError(
        'payment_attempt_in_progress',
        `The previous attempt is ${previous.status}; retry shortly`,
      )
    }
  }
  const now = nowIso()
  // Conditional on the attempt: of two concurrent initiates after a decline, one starts attempt n + 1.
  const { after } = await runBatchNamed(
    deps.db,
    transition(deps.db, 'payment', {
      where: sql`id = ${failed.id} AND attempt = ${failed.attempt}`,
      on: 'retry',
      to: 'pending',
      source: 'api',
      now,
      detail: `attempt ${failed.attempt + 1}`,
      set: sql`attempt = attempt + 1, stripe_payment_intent_id = NULL, stripe_charge_id = NULL`,
    }),
    { after: selectRows(deps.db, payments, sql`id = ${failed.id}`) },
  )
  return after.results[0] as Payment
}

function createIntent(deps: PaymentDeps, payment: Payment, rental: Rental) {
  return callStripe(() =>
    deps.stripe.paymentIntents.create(
      {
        amount: payment.amount,
        currency: payment.currency,
        automatic_payment_methods: { enabled: true },
        description: `Backline rental ${rental.id} (${rental.startDate} to ${rental.endDate})`,
        metadata: { rental_id: rental.id, payment_id: payment.id, attempt: String(payment.attempt) },
      },
      { idempotencyKey: intentKey(payment) },
    ),
  )
}

export type ConfirmResult =
  | { kind: 'completed'; payment: Payment }
  | { kind: 'pending'; payment: Payment; intentStatus: Stripe.PaymentIntent.Status }

/**
 * Never trusts the client: the intent is read from Stripe and must be this payment's (stored id and
 * metadata), for the same amount and currency, and succeeded.
 */
export async function confirmPayment(
  deps: PaymentDeps,
  user: AuthUser,
  rentalId: string,
  intentId: string,
): Promise<ConfirmResult> {
  const { rental, payment } = await rentalForRenter(deps.db, user, rentalId)
  if (!payment) throw new ApiError('payment_not_found', 'No payment was initiated for this rental')
  if (payment.stripePaymentIntentId !== intentId) {
    throw new ApiError('payment_intent_mismatch', 'This PaymentIntent does not belong to this rental')
  }
  if (payment.completedAt) return { kind: 'completed', payment }

  const intent = await callStripe(() => deps.stripe.paymentIntents.retrieve(intentId))
  if (intent.metadata.rental_id !== rental.id || intent.metadata.payment_id !== payment.id) {
    throw new ApiError('payment_intent_mismatch', 'This PaymentIntent does not belong to this rental')
  }
  if (intent.amount !== payment.amount || intent.currency !== payment.currency) {
    throw new ApiError(
      'payment_intent_mismatch',
      'The PaymentIntent amount or currency differs from the rental',
    )
  }
  const { payment: stored } = await applyStripeIntent(deps, {
    payment,
    intent,
    source: 'api',
    actorId: user.id,
  })
  const outcome = intentOutcome(intent)
  if (stored.completedAt) return { kind: 'completed', payment: stored }
  if (outcome?.to === 'failed') {
    throw new ApiError('payment_failed', outcome.message, {
      extra: { decline_code: outcome.code, payment_id: stored.id, payment_status: stored.status },
    })
  }
  return { kind: 'pending', payment: stored, intentStatus: intent.status }
}
