import { and, eq, isNull, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { prepareBuilt, runBatchNamed, selectRows, type Database } from '../../adapters/d1/client'
import { payments } from '../../adapters/d1/schema'
import type { Actor } from '../../domain/access'
import type { Services } from '../context'
import { rentalWithPayment } from '../rentals/read-rentals'
import { ApiError } from '../../lib/errors'
import { splitPlatformFee } from '../../domain/fees'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import { applyStripeIntent } from './apply-intent'
import { cancelIntent } from '../../adapters/stripe/intents'
import { transition } from '../../adapters/d1/transitions'
import { auditIfChanged } from '../../adapters/d1/audit'
import { callStripe } from '../../adapters/stripe/client'
import type { Payment, Rental } from '../../adapters/d1/schema'
import { stripeCustomerFor } from '../deposits/customers'

const paymentOfRental = (db: Database, rentalId: string) =>
  db.query.payments.findFirst({ where: eq(payments.rentalId, rentalId) })

/** Idempotency key derived from our own record: a retry, in this request or another, cannot charge twice. */
const intentKey = (payment: Payment) => `backline:payment:${payment.id}:attempt:${payment.attempt}`

export interface Initiated {
  payment: Payment
  intent: Stripe.PaymentIntent
}

export async function initiatePayment(deps: Services, user: Actor, rentalId: string): Promise<Initiated> {
  const { rental, payment: existing } = await rentalWithPayment(deps, user, rentalId, 'pay')
  if (rental.status !== 'pending') {
    throw new ApiError('rental_not_payable', `Rental is ${rental.status}; only a pending rental can be paid`)
  }
  if (rental.holdExpiresAt <= nowIso(deps.clock())) {
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
  const now = nowIso(deps.clock())
  // Conditional on the attempt (two concurrent initiates got the same intent: same idempotency key), and on
  // the rental still being on hold: a cancel or an expiry that came while Stripe made the intent found no intent
  // to cancel, so this one must not become payable.
  const [stored] = await deps.db
    .update(payments)
    .set({ stripePaymentIntentId: intent.id, updatedAt: now })
    .where(
      and(
        eq(payments.id, payment.id),
        eq(payments.attempt, payment.attempt),
        isNull(payments.stripePaymentIntentId),
        sql`EXISTS (SELECT 1 FROM rentals WHERE rentals.id = ${rental.id} AND rentals.status = 'pending'
          AND rentals.hold_expires_at > ${now})`,
      ),
    )
    .returning()
  if (stored) return { payment: stored, intent }
  const current = await paymentOfRental(deps.db, rental.id)
  if (current?.stripePaymentIntentId === intent.id) return { payment: current, intent }
  // The rental was cancelled or its hold expired meanwhile: the new intent is canceled before anyone can pay it.
  await cancelIntent(deps.stripe, intent.id)
  throw new ApiError('rental_not_payable', 'The rental was cancelled or its hold expired while paying began')
}

async function createPendingPayment(deps: Services, rental: Rental): Promise<Payment> {
  const now = nowIso(deps.clock())
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
async function startNewAttempt(deps: Services, failed: Payment): Promise<Payment> {
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
  const now = nowIso(deps.clock())
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

/**
 * A rental with a deposit is paid by the renter's Stripe Customer, and the card is saved for off-session use
 * (setup_future_usage): the deposit is held on it later, and a claim charged to it, without the renter present.
 */
async function createIntent(deps: Services, payment: Payment, rental: Rental) {
  const saveCard =
    rental.depositAmount > 0
      ? {
          customer: await stripeCustomerFor(deps, rental.renterId),
          setup_future_usage: 'off_session' as const,
        }
      : {}
  return callStripe(() =>
    deps.stripe.paymentIntents.create(
      {
        amount: payment.amount,
        currency: payment.currency,
        automatic_payment_methods: { enabled: true },
        ...saveCard,
        description: `Backline rental ${rental.id} (${rental.startDate} to ${rental.endDate})`,
        // The owner's payout is a transfer of this group (use-cases/payouts/release-payout.ts).
        transfer_group: rental.id,
        metadata: { rental_id: rental.id, payment_id: payment.id, attempt: String(payment.attempt) },
      },
      { idempotencyKey: intentKey(payment) },
    ),
  )
}
