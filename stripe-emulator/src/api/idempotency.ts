import { invalidRequest, StripeApiError } from '../lib/errors'
import type { Params } from '../lib/form'
import type { Store } from '../store/store'

/** Stripe keeps idempotency keys for at least 24 hours. */
const RETENTION_SECONDS = 24 * 3600

export interface StoredResponse {
  status: number
  body: string
}

export function fingerprint(method: string, path: string, params: Params): string {
  return JSON.stringify({ method, path, params })
}

/** Stripe's limit on the Idempotency-Key header's length. */
const MAX_KEY_LENGTH = 255

export function checkIdempotencyKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH)
    throw invalidRequest('The idempotency key provided is too long.', { param: 'Idempotency-Key' })
}

/**
 * The first response for this key (the client's key scoped by its API key and the `Stripe-Account` it acts
 * on), or null; a key reused with other parameters is an idempotency_error naming the client's own key.
 */
export function replay(
  store: Store,
  key: string,
  request: string,
  visibleKey: string,
): StoredResponse | null {
  store.sql.exec('DELETE FROM idempotency WHERE created < ?', store.now() - RETENTION_SECONDS)
  const row = store.sql
    .exec<{ request: string; status: number; body: string }>(
      'SELECT request, status, body FROM idempotency WHERE key = ?',
      key,
    )
    .toArray()[0]
  if (!row) return null
  if (row.request !== request) {
    throw new StripeApiError(400, {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${visibleKey}' if you meant to execute a different request.`,
    })
  }
  return { status: row.status, body: row.body }
}

export function remember(store: Store, key: string, request: string, response: StoredResponse): void {
  store.sql.exec(
    'INSERT OR REPLACE INTO idempotency (key, request, status, body, created) VALUES (?, ?, ?, ?, ?)',
    key,
    request,
    response.status,
    response.body,
    store.now(),
  )
}
