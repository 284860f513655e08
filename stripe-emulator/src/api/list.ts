import { invalidRequest } from '../lib/errors'
import type { Params } from '../lib/form'
import { hashOf, optionalInteger, optionalString } from '../lib/params'
import type { StoredObject } from '../store/store'
import type { ListObject } from './types'

export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created', 'expand'] as const

/** Filters `created` (a timestamp or `created[gte]=…`), then pages newest-first items as Stripe lists do. */
export function paginate<T extends StoredObject>(items: T[], params: Params, url: string): ListObject<T> {
  const limit = optionalInteger(params, 'limit') ?? 10
  if (limit < 1 || limit > 100)
    throw invalidRequest('This value must be between 1 and 100.', { param: 'limit' })
  const filtered = items.filter(rangeFilter<T>(params, 'created', (item) => item.created))
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

/**
 * A timestamp filter as Stripe takes `created` (and a payout's `arrival_date`): one exact value, or a range
 * `name[gt|gte|lt|lte]`; any other key of the range is an unknown parameter.
 */
export function rangeFilter<T>(
  params: Params,
  name: string,
  valueOf: (item: T) => number | null | undefined,
): (item: T) => boolean {
  const exact = typeof params[name] === 'string' ? optionalInteger(params, name) : undefined
  if (exact !== undefined) return (item) => valueOf(item) === exact
  const range = hashOf(params, name, ['gt', 'gte', 'lt', 'lte']) ?? {}
  const bound = (key: string) => optionalInteger(range, key)
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')]
  return (item) => {
    const value = valueOf(item) ?? Number.NaN
    return (
      (gt === undefined || value > gt) &&
      (gte === undefined || value >= gte) &&
      (lt === undefined || value < lt) &&
      (lte === undefined || value <= lte)
    )
  }
}
