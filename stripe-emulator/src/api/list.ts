import { invalidRequest } from '../lib/errors'
import type { Params } from '../lib/form'
import { optionalHash, optionalInteger, optionalString } from '../lib/params'
import type { StoredObject } from '../store/store'
import type { ListObject } from './types'

export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created', 'expand'] as const

/** Filters `created` (a timestamp or `created[gte]=…`), then pages newest-first items as Stripe lists do. */
export function paginate<T extends StoredObject>(items: T[], params: Params, url: string): ListObject<T> {
  const limit = optionalInteger(params, 'limit') ?? 10
  if (limit < 1 || limit > 100)
    throw invalidRequest('This value must be between 1 and 100.', { param: 'limit' })
  const filtered = items.filter(createdFilter(params))
  const after = optionalString(params, 'starting_after')
  const before = optionalString(params, 'ending_before')
  if (before) {
    const end = indexOf(filtered, before, 'ending_before')
    const start = Math.max(0, end - limit)
    return { object: 'list', data: filtered.slice(start, end), has_more: start > 0, url }
  }
  const start = after ? indexOf(filtered, after, 'starting_after') + 1 : 0
  const data = filtered.slice(start, start + limit)
  return { object: 'list', data, has_more: start + limit < filtered.length, url }
}

function indexOf(items: StoredObject[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id)
  if (index < 0)
    throw invalidRequest(`No such object: '${id}'`, { param, code: 'resource_missing', status: 404 })
  return index
}

function createdFilter(params: Params): (item: StoredObject) => boolean {
  const exact = typeof params.created === 'string' ? optionalInteger(params, 'created') : undefined
  if (exact !== undefined) return (item) => item.created === exact
  const range = optionalHash(params, 'created') ?? {}
  const bound = (name: string) => optionalInteger(range, name)
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')]
  return (item) =>
    (gt === undefined || item.created > gt) &&
    (gte === undefined || item.created >= gte) &&
    (lt === undefined || item.created < lt) &&
    (lte === undefined || item.created <= lte)
}
