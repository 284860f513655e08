import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { resourceMissing } from '../lib/errors'

export function findIntent(ctx: Ctx, id: string): Stripe.PaymentIntent {
  const intent = ctx.store.get<Stripe.PaymentIntent>(id, 'payment_intent')
  if (!intent) throw resourceMissing('payment_intent', id, 'intent')
  return intent
}
