import type Stripe from 'stripe'
import type { Store } from '../store/store'
import type { Ctx } from './context'
import { emit } from './events'
import { newRefund } from './objects'
import type { TestCard } from './payment-methods'
import { recomputeRefunded, saveRefund } from './refunds'

const HOUR = 3600
const DAY = 24 * HOUR

/**
 * How long an online (card-not-present) authorization holds, from the emulator clock
 * (https://docs.stripe.com/payments/place-a-hold-on-a-payment-method): 7 days, but 4 days 18 hours for a Visa
 * merchant-initiated transaction (an off-session payment).
 */
export function captureWindow(card: TestCard, offSession: boolean): number {
  return offSession && card.brand === 'visa' ? 4 * DAY + 18 * HOUR : 7 * DAY
}

export const captureBefore = (charge: Stripe.Charge): number | null =>
  charge.payment_method_details?.card?.capture_before ?? null

/**
 * Releases what was authorized and not captured. Stripe shows it as a Refund of the charge (succeeded, with no
 * balance transaction: no money had moved), counted in the charge's `amount_refunded`. No `refund.created`.
 */
export function releaseHold(ctx: Ctx, charge: Stripe.Charge, amount: number): void {
  if (amount <= 0) return
  const created = ctx.store.now()
  const refund = newRefund({ charge, amount, reason: null, metadata: {}, created, status: 'succeeded' })
  refund.balance_transaction = null
  charge.amount_refunded += amount
  recomputeRefunded(charge)
  saveRefund(ctx, refund, charge)
}

/** Uncaptured card authorizations that are still held, across every account of the namespace. */
const OPEN_HOLDS = `FROM objects WHERE type = 'charge'
  AND json_extract(data, '$.status') = 'succeeded'
  AND json_extract(data, '$.captured') = 0
  AND json_extract(data, '$.refunded') = 0
  AND json_extract(data, '$.payment_method_details.card.capture_before') IS NOT NULL`

/** The authorization lapsed: its funds are released and the intent canceled `automatic`. */
function expire(ctx: Ctx, intent: Stripe.PaymentIntent, charge: Stripe.Charge): void {
  releaseHold(ctx, charge, charge.amount - charge.amount_captured)
  emit(ctx, { type: 'charge.expired', object: charge })
  Object.assign(intent, {
    status: 'canceled',
    cancellation_reason: 'automatic',
    canceled_at: captureBefore(charge),
    amount_capturable: 0,
    next_action: null,
  } satisfies Partial<Stripe.PaymentIntent>)
  ctx.store.put(intent)
  emit(ctx, { type: 'payment_intent.canceled', object: intent })
}

/**
 * Expires every hold whose `capture_before` the emulator clock has reached (`charge.expired`, then
 * `payment_intent.canceled`), in the scope of the account that holds it. Runs before every request and
 * control, after `POST /_emulator/clock/advance`, and on the Durable Object's alarm. Returns how many expired.
 */
export function expireHolds(root: Store): number {
  const due = root.sql
    .exec<{ id: string; account: string | null }>(
      `SELECT id, account ${OPEN_HOLDS}
       AND json_extract(data, '$.payment_method_details.card.capture_before') <= ? ORDER BY seq`,
      root.now(),
    )
    .toArray()
  let expired = 0
  for (const { id, account } of due) {
    const store = root.forAccount(account)
    const charge = store.get<Stripe.Charge>(id, 'charge')
    const intentId = typeof charge?.payment_intent === 'string' ? charge.payment_intent : null
    const intent = intentId ? store.get<Stripe.PaymentIntent>(intentId, 'payment_intent') : null
    if (!charge || intent?.status !== 'requires_capture') continue
    expire({ store, request: { id: null, idempotency_key: null } }, intent, charge)
    expired += 1
  }
  return expired
}

/** When the next open hold lapses (unix seconds, emulator clock, later than now), or null when none will. */
export function nextExpiry(root: Store): number | null {
  return root.sql
    .exec<{ at: number | null }>(
      `SELECT MIN(json_extract(data, '$.payment_method_details.card.capture_before')) AS at ${OPEN_HOLDS}
       AND json_extract(data, '$.payment_method_details.card.capture_before') > ?`,
      root.now(),
    )
    .one().at
}
