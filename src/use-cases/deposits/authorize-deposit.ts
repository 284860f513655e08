import type Stripe from 'stripe'
import { callStripe } from '../../adapters/stripe/client'
import type { Actor } from '../../domain/access'
import { ApiError } from '../../lib/errors'
import type { Services } from '../context'
import { applyDepositIntent, attemptOfIntent, retrieveDepositIntent } from './deposit-intents'
import { askRenter } from './place-hold'
import {
  rentalWithDeposit,
  toDepositJson,
  withClientSecret,
  withIntentSecret,
  type DepositJson,
} from './read-deposit'

/** Statuses in which the renter can still confirm an intent with Stripe.js. */
const CONFIRMABLE: readonly Stripe.PaymentIntent.Status[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
]

/**
 * POST /api/rentals/{id}/deposit/authorize (the renter): the card could not be held off-session, so the renter
 * confirms the hold on-session with Stripe.js (3-D Secure when the bank asks). Answers the client secret of
 * the intent that waits for them, or of a new one when that one can no longer be confirmed; the card it
 * confirms is saved for off-session use. The intent is read from Stripe first: already authorized (a webhook
 * still on its way), the deposit is held and no secret is needed.
 */
export async function authorizeDeposit(deps: Services, user: Actor, rentalId: string): Promise<DepositJson> {
  const { rental, deposit } = await rentalWithDeposit(deps, user, rentalId, 'authorize_deposit')
  if (!deposit || deposit.status !== 'action_required') {
    throw new ApiError(
      'deposit_not_authorizable',
      deposit
        ? `The deposit is ${deposit.status}; there is nothing to authorize`
        : 'This rental has no deposit to authorize',
    )
  }
  let current = deposit
  const intentId = deposit.stripePaymentIntentId
  if (intentId) {
    let intent = await retrieveDepositIntent(deps.stripe, intentId)
    const attempt = await attemptOfIntent(deps, intent)
    if (attempt)
      current = (
        await applyDepositIntent(deps, { deposit, attempt, intent, source: 'api', actorId: user.id })
      ).deposit
    if (current.status !== 'action_required') return toDepositJson(rental, current)
    if (current.stripePaymentIntentId === intentId && CONFIRMABLE.includes(intent.status)) {
      // So that a card the renter chooses now is saved for later holds and claims too.
      if (intent.setup_future_usage !== 'off_session')
        intent = await callStripe(() =>
          deps.stripe.paymentIntents.update(intentId, { setup_future_usage: 'off_session' }),
        )
      return withIntentSecret(toDepositJson(rental, current), intent)
    }
  }
  const asked = await askRenter(deps, current, 'api', user.id)
  const json = toDepositJson(rental, asked.deposit)
  const waitingOn = asked.deposit.status === 'action_required' ? asked.deposit.stripePaymentIntentId : null
  if (!waitingOn) return json
  // The intent just made is the one the deposit waits on, unless a concurrent request replaced it.
  return waitingOn === asked.intent.id
    ? withIntentSecret(json, asked.intent)
    : withClientSecret(deps, json, waitingOn)
}
