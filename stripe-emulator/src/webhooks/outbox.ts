import { newId } from '../lib/ids'
import type { Store } from '../store/store'
import { takeWebhookFault } from '../control/faults'

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped' | 'held'

/**
 * Where a delivery goes: a connected account's events (they carry `account`) to the Connect endpoint, signed
 * with its own secret; the platform's own events to the platform endpoint.
 */
export type Endpoint = 'platform' | 'connect'
export const ENDPOINTS: readonly Endpoint[] = ['platform', 'connect']

export interface Delivery {
  id: string
  event_id: string
  event_type: string
  endpoint: Endpoint
  /** The connected account of a Connect event; null for the platform's. */
  account: string | null
  status: DeliveryStatus
  attempts: number
  next_attempt_at: number | null
  last_http_status: number | null
  last_error: string | null
  created: number
  /** The exact body Stripe would POST: the event as JSON. */
  payload: string
}

/** A delivery as stored: the event's JSON in `data` (its type is read from it), plus the outbox's own order. */
type DeliveryRow = Omit<Delivery, 'event_type' | 'payload' | 'endpoint' | 'account'> & {
  data: string
  sort_key: number
  fault_id: number | null
}

/** Stripe gives up after 3 days; the emulator after this many attempts. */
export const MAX_ATTEMPTS = 8

/** 10 s, 20 s, 40 s … capped at an hour: Stripe's exponential backoff, compressed for development. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(10 * 2 ** (attempts - 1), 3600)
}

/** Records one delivery of a new event to its endpoint (platform or Connect), applying any webhook fault. */
export function enqueueDelivery(store: Store, eventId: string): void {
  const fault = takeWebhookFault(store)
  const now = store.now()
  const next = store.sql
    .exec<{ k: number }>('SELECT COALESCE(MAX(sort_key), 0) + 1 AS k FROM deliveries')
    .one().k
  const insert = (status: DeliveryStatus, sortKey = next, faultId: number | null = null) =>
    store.sql.exec(
      `INSERT INTO deliveries (id, event_id, sort_key, status, next_attempt_at, fault_id, created)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      newId('whdel'),
      eventId,
      sortKey,
      status,
      status === 'pending' ? now : null,
      faultId,
      now,
    )
  if (fault?.kind === 'webhook_drop') return void insert('dropped')
  if (fault?.kind === 'webhook_duplicate') {
    insert('pending')
    return void insert('pending', next + 0.5)
  }
  if (fault?.kind === 'webhook_reorder') return holdReversed(store, fault.id, fault.remaining, insert)
  insert('pending')
}

/** Held deliveries sort before the first one of their batch, so the batch is released newest first. */
function holdReversed(
  store: Store,
  faultId: number,
  remaining: number,
  insert: (status: DeliveryStatus, sortKey?: number, faultId?: number | null) => void,
) {
  const first = store.sql
    .exec<{ k: number | null }>('SELECT MIN(sort_key) AS k FROM deliveries WHERE fault_id = ?', faultId)
    .one().k
  if (first === null) insert('held', undefined, faultId)
  else insert('held', first - 0.001, faultId)
  if (remaining > 0) return
  store.sql.exec(
    "UPDATE deliveries SET status = 'pending', next_attempt_at = ? WHERE fault_id = ? AND status = 'held'",
    store.now(),
    faultId,
  )
}

const SELECT = `SELECT d.*, o.data FROM deliveries d JOIN objects o ON o.id = d.event_id`

function toDelivery(row: DeliveryRow): Delivery {
  const { data, sort_key: _sortKey, fault_id: _faultId, ...delivery } = row
  const event = JSON.parse(data) as { type: string; account?: string }
  const account = event.account ?? null
  return {
    ...delivery,
    event_type: event.type,
    endpoint: account ? 'connect' : 'platform',
    account,
    payload: JSON.stringify(event, null, 2),
  }
}

/** SQL over `o` (the event) that keeps the deliveries of these endpoints. */
function endpointClause(endpoints: readonly Endpoint[]): string {
  const connect = endpoints.includes('connect')
  const platform = endpoints.includes('platform')
  if (connect && platform) return '1'
  if (connect) return "json_extract(o.data, '$.account') IS NOT NULL"
  if (platform) return "json_extract(o.data, '$.account') IS NULL"
  return '0'
}

export function listDeliveries(
  store: Store,
  status?: DeliveryStatus,
  endpoints: readonly Endpoint[] = ENDPOINTS,
): Delivery[] {
  const where = endpointClause(endpoints)
  const rows = status
    ? store.sql.exec<DeliveryRow>(`${SELECT} WHERE d.status = ? AND ${where} ORDER BY d.sort_key`, status)
    : store.sql.exec<DeliveryRow>(`${SELECT} WHERE ${where} ORDER BY d.sort_key`)
  return rows.toArray().map(toDelivery)
}

/** Pending deliveries due now (or all pending, with force) to the endpoints that have a URL. */
export function dueDeliveries(store: Store, force: boolean, endpoints: readonly Endpoint[]): Delivery[] {
  const rows = store.sql.exec<DeliveryRow>(
    `${SELECT} WHERE d.status = 'pending' AND (? OR d.next_attempt_at <= ?) AND ${endpointClause(endpoints)}
     ORDER BY d.sort_key`,
    force ? 1 : 0,
    store.now(),
  )
  return rows.toArray().map(toDelivery)
}

export function getDelivery(store: Store, id: string): Delivery | null {
  const row = store.sql.exec<DeliveryRow>(`${SELECT} WHERE d.id = ?`, id).toArray()[0]
  return row ? toDelivery(row) : null
}

export interface AttemptResult {
  ok: boolean
  http_status?: number | null
  error?: string | null
}

/** Records an attempt: success settles it; failure schedules the next try or gives up. */
export function recordAttempt(store: Store, id: string, result: AttemptResult): Delivery | null {
  const delivery = getDelivery(store, id)
  if (!delivery) return null
  const attempts = delivery.attempts + 1
  const status: DeliveryStatus = result.ok ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending'
  const nextAttempt = status === 'pending' ? store.now() + retryDelaySeconds(attempts) : null
  store.sql.exec(
    `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_http_status = ?, last_error = ?
     WHERE id = ?`,
    status,
    attempts,
    nextAttempt,
    result.http_status ?? null,
    result.error ?? null,
    id,
  )
  return getDelivery(store, id)
}

/** Queues a delivery again now, whatever its state (the Dashboard's "Resend"). */
export function requeue(store: Store, id: string): Delivery | null {
  store.sql.exec(
    "UPDATE deliveries SET status = 'pending', next_attempt_at = ? WHERE id = ?",
    store.now(),
    id,
  )
  return getDelivery(store, id)
}

/** When the next pending delivery to one of these endpoints is due (they are the ones with a URL). */
export function nextAttemptAt(store: Store, endpoints: readonly Endpoint[]): number | null {
  return store.sql
    .exec<{ at: number | null }>(
      `SELECT MIN(d.next_attempt_at) AS at FROM deliveries d JOIN objects o ON o.id = d.event_id
       WHERE d.status = 'pending' AND ${endpointClause(endpoints)}`,
    )
    .one().at
}

/**
 * Whether each of these events reached its webhook endpoint: true when every delivery of it is `delivered`,
 * false when one is still pending, held, dropped or failed (the `delivery_success` filter of `/v1/events`).
 */
export function deliverySuccess(store: Store, eventIds: readonly string[]): Map<string, boolean> {
  const rows = store.sql
    .exec<{ event_id: string; ok: number }>(
      `SELECT event_id, MIN(status = 'delivered') AS ok FROM deliveries
       WHERE event_id IN (SELECT value FROM json_each(?)) GROUP BY event_id`,
      JSON.stringify(eventIds),
    )
    .toArray()
  return new Map(rows.map((row) => [row.event_id, row.ok === 1]))
}
