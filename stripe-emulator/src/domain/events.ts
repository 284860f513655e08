import type Stripe from 'stripe'
import { newId } from '../lib/ids'
import { enqueueDelivery } from '../webhooks/outbox'
import type { Ctx } from './context'

/** The API version of the `stripe` package this emulator is typed against. */
export const API_VERSION = '2026-10-28.endive'

export type EmittedType =
  | 'payment_intent.created'
  | 'payment_intent.processing'
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.canceled'
  | 'payment_intent.requires_action'
  | 'payment_intent.amount_capturable_updated'
  | 'charge.succeeded'
  | 'charge.failed'
  | 'charge.pending'
  | 'charge.captured'
  | 'charge.expired'
  | 'charge.refunded'
  | 'charge.refund.updated'
  | 'charge.dispute.created'
  | 'charge.dispute.closed'
  | 'refund.created'
  | 'refund.updated'
  | 'refund.failed'
  | 'customer.created'
  | 'customer.updated'
  | 'customer.deleted'
  | 'payment_method.attached'
  | 'payment_method.detached'
  | 'setup_intent.created'
  | 'setup_intent.requires_action'
  | 'setup_intent.succeeded'
  | 'setup_intent.setup_failed'
  | 'setup_intent.canceled'
  | 'account.updated'
  | 'capability.updated'
  | 'transfer.created'
  | 'transfer.updated'
  | 'transfer.reversed'
  | 'payout.created'
  | 'payout.paid'
  | 'payout.failed'

export type EmittedEvent = Extract<Stripe.Event, { type: EmittedType }>

/** One variant per event type, so that each call site pairs a type with the object Stripe sends for it. */
type Draft<E = EmittedEvent> = E extends EmittedEvent
  ? { type: E['type']; object: E['data']['object']; previous?: E['data']['previous_attributes'] }
  : never

/**
 * Records the event in the scope of the account it happened on: a connected account's events (its Store is
 * `forAccount`) carry `account` and go to the Connect webhook endpoint, the platform's to the platform one.
 */
export function emit(ctx: Ctx, draft: Draft): EmittedEvent {
  const data: Stripe.Event.Data = {
    object: structuredClone(draft.object) as unknown as Stripe.Event.Data.Object,
  }
  if (draft.previous) data.previous_attributes = draft.previous as Stripe.Event.Data.PreviousAttributes
  const account = ctx.store.account
  const base = {
    id: newId('evt'),
    object: 'event',
    ...(account ? { account } : {}),
    api_version: API_VERSION,
    created: ctx.store.now(),
    livemode: false,
    pending_webhooks: 1,
    request: ctx.request,
  } satisfies Omit<Stripe.PaymentIntentCreatedEvent, 'type' | 'data'>
  const event = { ...base, type: draft.type, data } as EmittedEvent
  ctx.store.put(event)
  enqueueDelivery(ctx.store, event.id)
  return event
}
