import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { resourceMissing } from '../lib/errors'
import type { Store, StoredObject } from '../store/store'

/** The stored object of this type and id, or Stripe's 404 resource_missing naming `param`. */
export function findObject<T extends StoredObject>(store: Store, type: string, id: string, param = 'id'): T {
  const found = store.get<T>(id, type)
  if (!found) throw resourceMissing(type, id, param)
  return found
}

export const findIntent = (ctx: Ctx, id: string) =>
  findObject<Stripe.PaymentIntent>(ctx.store, 'payment_intent', id, 'intent')
