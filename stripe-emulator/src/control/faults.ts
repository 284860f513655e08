import { invalidRequest } from '../lib/errors'
import type { Store } from '../store/store'

export const REQUEST_FAULTS = ['error_500', 'rate_limit_429', 'hang'] as const
export const WEBHOOK_FAULTS = ['webhook_drop', 'webhook_duplicate', 'webhook_reorder'] as const
export type FaultKind = (typeof REQUEST_FAULTS)[number] | (typeof WEBHOOK_FAULTS)[number]

export interface FaultOptions {
  /** hang: how long the response is held back (the request itself is carried out first). */
  hang_ms?: number
  /** error_500 / rate_limit_429: send `Stripe-Should-Retry` with this value. */
  should_retry?: boolean
  /** error_500: carry the request out, then answer 500 anyway (a lost response). */
  after?: boolean
}

export interface Fault extends FaultOptions {
  id: number
  kind: FaultKind
  remaining: number
  method: string | null
  path_prefix: string | null
}

export interface FaultInput extends FaultOptions {
  kind: FaultKind
  count?: number
  method?: string
  path_prefix?: string
}

type FaultRow = {
  id: number
  kind: FaultKind
  remaining: number
  method: string | null
  path_prefix: string | null
  options: string
}

const toFault = (row: FaultRow): Fault =>
  ({ ...row, ...(JSON.parse(row.options) as FaultOptions), options: undefined }) as Fault

export function addFault(store: Store, input: FaultInput): Fault {
  const kinds: readonly string[] = [...REQUEST_FAULTS, ...WEBHOOK_FAULTS]
  if (!kinds.includes(input.kind))
    throw invalidRequest(`Unknown fault kind: ${String(input.kind)}`, { param: 'kind' })
  for (const param of ['method', 'path_prefix'] as const) {
    if (input[param] !== undefined && typeof input[param] !== 'string')
      throw invalidRequest(`${param} must be a string`, { param })
  }
  if (input.hang_ms !== undefined && (typeof input.hang_ms !== 'number' || !(input.hang_ms >= 0)))
    throw invalidRequest('hang_ms must be a number of at least 0', { param: 'hang_ms' })
  for (const param of ['should_retry', 'after'] as const) {
    if (input[param] !== undefined && typeof input[param] !== 'boolean')
      throw invalidRequest(`${param} must be true or false`, { param })
  }
  const count = input.count ?? 1
  if (!Number.isInteger(count) || count < 1)
    throw invalidRequest('count must be a positive integer', { param: 'count' })
  const options: FaultOptions = {
    hang_ms: input.hang_ms,
    should_retry: input.should_retry,
    after: input.after,
  }
  const row = store.sql
    .exec<FaultRow>(
      'INSERT INTO faults (kind, remaining, method, path_prefix, options) VALUES (?, ?, ?, ?, ?) RETURNING *',
      input.kind,
      count,
      input.method?.toUpperCase() ?? null,
      input.path_prefix ?? null,
      JSON.stringify(options),
    )
    .one()
  return toFault(row)
}

export function listFaults(store: Store): Fault[] {
  return store.sql
    .exec<FaultRow>('SELECT * FROM faults WHERE remaining > 0 ORDER BY id')
    .toArray()
    .map(toFault)
}

export function clearFaults(store: Store): void {
  store.sql.exec('DELETE FROM faults')
}

function take(store: Store, matches: (fault: Fault) => boolean): Fault | null {
  const fault = listFaults(store).find(matches)
  if (!fault) return null
  store.sql.exec('UPDATE faults SET remaining = remaining - 1 WHERE id = ?', fault.id)
  return { ...fault, remaining: fault.remaining - 1 }
}

export function takeRequestFault(store: Store, method: string, path: string): Fault | null {
  return take(
    store,
    (fault) =>
      (REQUEST_FAULTS as readonly string[]).includes(fault.kind) &&
      (!fault.method || fault.method === method) &&
      (!fault.path_prefix || path.startsWith(fault.path_prefix)),
  )
}

export function takeWebhookFault(store: Store): Fault | null {
  return take(store, (fault) => (WEBHOOK_FAULTS as readonly string[]).includes(fault.kind))
}
