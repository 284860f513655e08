import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import { idOf } from '../lib/ids'
import type { Store } from '../store/store'
import { newPaymentMethod } from './customer-objects'
import { type TestCard, testCard } from './payment-methods'

/** A PaymentMethod with what Stripe knows of it but does not show (the `payment_method_cards` row). */
export interface ResolvedPaymentMethod {
  id: string
  card: TestCard
  paymentMethod: Stripe.PaymentMethod
  /** Saved by a payment with `setup_future_usage=off_session`: off-session payments need no authentication. */
  setUp: boolean
  /** Used once without being attached to a Customer, or detached: it may not be used again. */
  spent: boolean
}

type CardRow = {
  token: string
  set_up_off_session: number
  spent: number
}

/** What the emulator stored before PaymentMethods were objects of their own: `{ id, object, created, token }`. */
interface LegacyRecord {
  id: string
  object: 'payment_method'
  created: number
  token: string
}

export const noSuchPaymentMethod = (id: string, param: string, status = 400) =>
  invalidRequest(`No such PaymentMethod: '${id}'`, { param, code: 'resource_missing', status })

function cardRow(store: Store, id: string): CardRow | undefined {
  return store.sql
    .exec<CardRow>('SELECT token, set_up_off_session, spent FROM payment_method_cards WHERE id = ?', id)
    .toArray()[0]
}

function save(store: Store, paymentMethod: Stripe.PaymentMethod, token: string): Stripe.PaymentMethod {
  store.put(paymentMethod)
  store.sql.exec(
    'INSERT OR IGNORE INTO payment_method_cards (id, token) VALUES (?, ?)',
    paymentMethod.id,
    token,
  )
  return paymentMethod
}

/** A test token (`pm_card_visa`) becomes a new `pm_…` PaymentMethod, as Stripe does each time one is used. */
function fromToken(store: Store, card: TestCard): ResolvedPaymentMethod {
  const paymentMethod = save(store, newPaymentMethod(card, store.now()), card.token)
  return { id: paymentMethod.id, card, paymentMethod, setUp: false, spent: false }
}

/** A `pm_…` of this account (the `Stripe-Account` scope), upgrading one stored by an older emulator. */
function stored(store: Store, id: string): ResolvedPaymentMethod | null {
  const object = store.get<Stripe.PaymentMethod | LegacyRecord>(id, 'payment_method')
  if (!object) return null
  if ('token' in object) {
    const card = testCard(object.token)
    if (!card) return null
    const paymentMethod = save(store, { ...newPaymentMethod(card, object.created), id }, card.token)
    return { id, card, paymentMethod, setUp: false, spent: false }
  }
  const row = cardRow(store, id)
  const card = row && testCard(row.token)
  if (!card) return null
  return { id, card, paymentMethod: object, setUp: row.set_up_off_session === 1, spent: row.spent === 1 }
}

/**
 * A test token becomes a new PaymentMethod; a `pm_…` id is looked up. Unknown: 400 resource_missing naming
 * `param` (404 when the id is the request's path, `status`).
 */
export function resolvePaymentMethod(
  store: Store,
  idOrToken: string,
  param = 'payment_method',
  status = 400,
): ResolvedPaymentMethod {
  const card = testCard(idOrToken)
  if (card) return fromToken(store, card)
  const found = stored(store, idOrToken)
  if (!found) throw noSuchPaymentMethod(idOrToken, param, status)
  return found
}

export function cardOf(store: Store, paymentMethodId: string | null): TestCard | null {
  if (!paymentMethodId) return null
  return stored(store, paymentMethodId)?.card ?? null
}

export const paymentMethodId = (intent: Stripe.PaymentIntent): string | null => idOf(intent.payment_method)

/** Saved for off-session payments (a payment with `setup_future_usage=off_session` succeeded with it). */
export function markSetUp(store: Store, id: string): void {
  store.sql.exec('UPDATE payment_method_cards SET set_up_off_session = 1 WHERE id = ?', id)
}

/** Used without a Customer, or detached from one: Stripe refuses it from then on. */
export function markSpent(store: Store, id: string): void {
  store.sql.exec('UPDATE payment_method_cards SET spent = 1 WHERE id = ?', id)
}
