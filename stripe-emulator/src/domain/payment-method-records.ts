import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import { newId } from '../lib/ids'
import type { Store } from '../store/store'
import type { PaymentMethodRecord } from './objects'
import { type TestCard, testCard } from './payment-methods'

export interface ResolvedPaymentMethod {
  id: string
  card: TestCard
}

const noSuchPaymentMethod = (id: string) =>
  invalidRequest(`No such PaymentMethod: '${id}'`, { param: 'payment_method', code: 'resource_missing' })

/** A test token (`pm_card_visa`) becomes a new `pm_…` PaymentMethod, as Stripe does; a `pm_…` id is looked up. */
export function resolvePaymentMethod(store: Store, idOrToken: string): ResolvedPaymentMethod {
  const card = testCard(idOrToken)
  if (card) {
    const record: PaymentMethodRecord = {
      id: newId('pm'),
      object: 'payment_method',
      created: store.now(),
      token: card.token,
    }
    store.put(record)
    return { id: record.id, card }
  }
  const record = store.get<PaymentMethodRecord>(idOrToken, 'payment_method')
  const known = record && testCard(record.token)
  if (!record || !known) throw noSuchPaymentMethod(idOrToken)
  return { id: record.id, card: known }
}

export function cardOf(store: Store, paymentMethodId: string | null): TestCard | null {
  if (!paymentMethodId) return null
  const record = store.get<PaymentMethodRecord>(paymentMethodId, 'payment_method')
  return record ? testCard(record.token) : null
}

export function paymentMethodId(intent: Stripe.PaymentIntent): string | null {
  const method = intent.payment_method
  return typeof method === 'string' ? method : (method?.id ?? null)
}
