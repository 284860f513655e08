import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import type { Params } from '../lib/form'
import { optionalBoolean, optionalString, rejectUnknown, stringList } from '../lib/params'
import { deliverySuccess } from '../webhooks/outbox'
import { LIST_PARAMS, paginate } from './list'
import { findObject } from './lookup'
import type { ApiRequest } from './types'

export function retrieveEvent({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  return findObject<Stripe.Event>(ctx.store, 'event', id)
}

/** `type` takes one type or a `payment_intent.*` wildcard; `types[]` takes several exact types. */
function typeFilter(type: string | undefined, types: string[]): (event: Stripe.Event) => boolean {
  if (types.length > 0) return (event) => types.includes(event.type)
  if (!type) return () => true
  if (type.endsWith('*')) return (event) => event.type.startsWith(type.slice(0, -1))
  return (event) => event.type === type
}

/**
 * `delivery_success=true`: the events every delivery of which reached the webhook endpoint; `false`: those
 * still pending, held, dropped or failed.
 */
function deliveryFilter(ctx: Ctx, params: Params, events: Stripe.Event[]) {
  const success = optionalBoolean(params, 'delivery_success')
  if (success === undefined) return events
  const delivered = deliverySuccess(
    ctx.store,
    events.map((event) => event.id),
  )
  return events.filter((event) => (delivered.get(event.id) ?? false) === success)
}

export function listEvents({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'type', 'types', 'delivery_success'])
  const matches = typeFilter(optionalString(params, 'type'), stringList(params.types, 'types'))
  const events = deliveryFilter(ctx, params, ctx.store.list<Stripe.Event>('event').filter(matches))
  return paginate(events, params, '/v1/events')
}
