import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import type { Params } from '../lib/form'
import { stringList } from '../lib/params'
import type { Store, StoredObject } from '../store/store'
import type { ListObject } from './types'

type Expandable = Record<string, unknown> & StoredObject

/** Fields that hold an id Stripe can expand, per object type. */
const EXPANDABLE: Record<string, string[]> = {
  payment_intent: ['latest_charge', 'customer', 'payment_method'],
  charge: ['payment_intent', 'refunds', 'customer'],
  payment_method: ['customer'],
  setup_intent: ['customer', 'payment_method'],
  refund: ['charge', 'payment_intent'],
  dispute: ['charge', 'payment_intent'],
  transfer: ['destination', 'source_transaction'],
  transfer_reversal: ['transfer'],
}

/** Applies `expand[]=latest_charge`, `expand[]=data.charge`, `expand[]=latest_charge.refunds`… */
export function expand<T extends { object: string }>(store: Store, result: T, params: Params): T {
  const paths = stringList(params.expand, 'expand')
  for (const path of paths) {
    if (result.object === 'list') {
      const [head, ...rest] = path.split('.')
      if (head !== 'data' || rest.length === 0) throw cannotExpand(path)
      for (const item of (result as unknown as ListObject).data) expandPath(store, item as Expandable, rest)
    } else expandPath(store, result as unknown as Expandable, path.split('.'))
  }
  return result
}

function expandPath(store: Store, object: Expandable, [field, ...rest]: string[]): void {
  if (!field || !EXPANDABLE[object.object]?.includes(field)) throw cannotExpand(field ?? '')
  if (field === 'refunds') {
    const refunds = store.list<Stripe.Refund>('refund', { charge: object.id })
    object.refunds = {
      object: 'list',
      data: refunds,
      has_more: false,
      url: `/v1/charges/${object.id}/refunds`,
    }
    return
  }
  const value = object[field]
  if (typeof value === 'string') object[field] = store.get(value) ?? value
  const child = object[field]
  if (rest.length > 0 && child && typeof child === 'object') expandPath(store, child as Expandable, rest)
}

function cannotExpand(field: string) {
  return invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' })
}
