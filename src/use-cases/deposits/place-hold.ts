import { and, eq, isNull, sql } from 'drizzle-orm'
import Stripe from 'stripe'
import { columnsAsKeys, prepare, runBatchNamed } from '../../adapters/d1/client'
import { beginAttemptStatement, openAttempt } from '../../adapters/d1/deposit-statements'
import { depositIntents, deposits, type Deposit, type DepositIntent } from '../../adapters/d1/schema'
import { callStripe, stripeFailure } from '../../adapters/stripe/client'
import type { Trigger } from '../../domain/state-machines'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import { stripeCustomerFor } from './customers'
import {
  applyDepositIntent,
  attemptKey,
  REHOLD_RETRY_MS,
  retrieveDepositIntent,
  type DepositDeps,
} from './deposit-intents'

/*
 * Making a deposit's PaymentIntents: a hold (or a fresh hold) confirmed off-session with the saved card, an
 * off-session charge for a claim, or an intent for the renter to confirm on-session. Each is an attempt,
 * recorded before Stripe is called, whose number makes the idempotency key.
 */

interface Begun {
  attempt: DepositIntent
  /** An earlier try of this attempt never recorded Stripe's answer: it may have made the intent already. */
  resumed: boolean
}

/** The open attempt of this purpose (tried again with its key), or the deposit's next one. */
export async function beginAttempt(
  deps: DepositDeps,
  deposit: Deposit,
  purpose: 'hold' | 'collect',
  amount: number,
  claimId: string | null = null,
): Promise<Begun> {
  const { db } = deps
  const id = newId('dpi')
  const { open } = await runBatchNamed(
    db,
    [
      beginAttemptStatement(
        db,
        { id, depositId: deposit.id, purpose, claimId, amount },
        nowIso(deps.clock()),
      ),
    ],
    {
      open: prepare(
        db,
        sql`SELECT ${columnsAsKeys(depositIntents)} FROM deposit_intents WHERE id IN (${openAttempt(deposit.id, purpose)})`,
      ),
    },
  )
  const attempt = open.results[0] as DepositIntent
  return { attempt, resumed: attempt.id !== id }
}

const metadataOf = (deposit: Deposit, attempt: DepositIntent) => ({
  deposit_id: deposit.id,
  rental_id: deposit.rentalId,
  attempt: String(attempt.attempt),
  purpose: attempt.purpose === 'hold' ? 'deposit_hold' : 'deposit_claim',
  ...(attempt.claimId ? { claim_id: attempt.claimId } : {}),
})

/**
 * An intent made by an attempt whose answer was never recorded, found among the customer's intents by its
 * metadata: Stripe keeps idempotency keys for about 24 hours, so a late retry looks before it makes another.
 */
export async function madeBefore(deps: DepositDeps, deposit: Deposit, attempt: DepositIntent) {
  const customer = deposit.stripeCustomerId
  if (!customer) return undefined
  const list = await callStripe(() => deps.stripe.paymentIntents.list({ customer, limit: 100 }))
  const found = list.data.find(
    (intent) =>
      intent.metadata.deposit_id === deposit.id && intent.metadata.attempt === String(attempt.attempt),
  )
  return found ? retrieveDepositIntent(deps.stripe, found.id) : undefined
}

/**
 * An attempt that has no intent and never will (Stripe refused to make it, or never made it): it is over, and the
 * next attempt starts with a new key.
 */
export async function closeAttempt(deps: DepositDeps, attempt: DepositIntent, code: string) {
  const now = nowIso(deps.clock())
  await deps.db
    .update(depositIntents)
    .set({ failureCode: code, closedAt: now, updatedAt: now })
    .where(and(eq(depositIntents.id, attempt.id), isNull(depositIntents.stripePaymentIntentId)))
}

/**
 * The intent of an off-session attempt: the saved card held (purpose hold: manual capture) or charged
 * (collect), the renter not present. A card that needs the renter answers with a card error carrying the
 * intent, which is returned like any other. Stripe refusing outright (the card was detached, the customer
 * deleted) returns `{ refused }`; Stripe unreachable throws, and the attempt stays open for a retry.
 */
export async function offSessionIntent(
  deps: DepositDeps,
  deposit: Deposit,
  { attempt, resumed }: Begun,
): Promise<Stripe.PaymentIntent | { refused: string }> {
  if (resumed) {
    const made = await madeBefore(deps, deposit, attempt)
    if (made) return made
  }
  try {
    return await deps.stripe.paymentIntents.create(
      {
        amount: attempt.amount,
        currency: deposit.currency,
        customer: deposit.stripeCustomerId!,
        payment_method: deposit.stripePaymentMethodId!,
        // No redirect can happen without the renter: a card is held or charged as it is, or refused.
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        capture_method: attempt.purpose === 'hold' ? 'manual' : 'automatic',
        off_session: true,
        confirm: true,
        description:
          attempt.purpose === 'hold'
            ? `Backline deposit ${deposit.id} (rental ${deposit.rentalId})`
            : `Backline damage claim ${attempt.claimId} (rental ${deposit.rentalId})`,
        metadata: metadataOf(deposit, attempt),
        expand: ['latest_charge'],
      },
      { idempotencyKey: attemptKey(deposit.id, attempt.attempt) },
    )
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && error.payment_intent) return error.payment_intent
    if (
      error instanceof Stripe.errors.StripeInvalidRequestError ||
      error instanceof Stripe.errors.StripeCardError
    ) {
      const code = error.code ?? error.type
      await closeAttempt(deps, attempt, code)
      return { refused: code }
    }
    throw stripeFailure(error) ?? error
  }
}

/**
 * Places the deposit's hold off-session with the saved card: its first hold (scheduled), or a fresh one for a
 * held deposit whose hold expires soon (the old one is canceled once the new one stands: applyDepositIntent).
 * Without a saved card, or when Stripe refuses the card outright, a first hold waits for the renter instead.
 */
export async function placeHold(deps: DepositDeps, deposit: Deposit, source: Trigger): Promise<Deposit> {
  if (!deposit.stripeCustomerId || !deposit.stripePaymentMethodId)
    return (await askRenter(deps, deposit, source)).deposit
  const begun = await beginAttempt(deps, deposit, 'hold', deposit.amount)
  const intent = await offSessionIntent(deps, deposit, begun)
  if ('refused' in intent) {
    deps.logger.warn('Stripe refused a deposit hold outright', {
      deposit_id: deposit.id,
      attempt: begun.attempt.attempt,
      code: intent.refused,
    })
    if (deposit.status === 'held') return retryLater(deps, deposit)
    return (await askRenter(deps, deposit, source)).deposit
  }
  return (await applyDepositIntent(deps, { deposit, attempt: begun.attempt, intent, source })).deposit
}

async function retryLater(deps: DepositDeps, deposit: Deposit) {
  const now = deps.clock()
  const [after] = await deps.db
    .update(deposits)
    .set({ retryAt: new Date(now.getTime() + REHOLD_RETRY_MS).toISOString(), updatedAt: nowIso(now) })
    .where(eq(deposits.id, deposit.id))
    .returning()
  return after!
}

/**
 * An intent for the renter to confirm on-session (Stripe.js, with 3-D Secure when the bank asks): a hold of the
 * deposit that also saves the card for off-session use, with the saved card filled in when there is one.
 */
export async function askRenter(deps: DepositDeps, deposit: Deposit, source: Trigger, actorId?: string) {
  const customer = deposit.stripeCustomerId ?? (await stripeCustomerFor(deps, deposit.renterId))
  if (!deposit.stripeCustomerId) {
    await deps.db
      .update(deposits)
      .set({ stripeCustomerId: customer })
      .where(and(eq(deposits.id, deposit.id), isNull(deposits.stripeCustomerId)))
    deposit = { ...deposit, stripeCustomerId: customer }
  }
  const { attempt } = await beginAttempt(deps, deposit, 'hold', deposit.amount)
  const intent = await callStripe(() =>
    deps.stripe.paymentIntents.create(
      {
        amount: deposit.amount,
        currency: deposit.currency,
        customer,
        ...(deposit.stripePaymentMethodId ? { payment_method: deposit.stripePaymentMethodId } : {}),
        automatic_payment_methods: { enabled: true },
        capture_method: 'manual',
        setup_future_usage: 'off_session',
        description: `Backline deposit ${deposit.id} (rental ${deposit.rentalId})`,
        metadata: metadataOf(deposit, attempt),
        expand: ['latest_charge'],
      },
      { idempotencyKey: attemptKey(deposit.id, attempt.attempt) },
    ),
  )
  return { ...(await applyDepositIntent(deps, { deposit, attempt, intent, source, actorId })), intent }
}
