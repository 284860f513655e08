import type { Ctx } from '../domain/context'
import { invalidRequest } from '../lib/errors'
import type { Store } from '../store/store'

/** What the control endpoints need from the Durable Object. */
export interface ControlHost {
  store: Store
  secret: string
  connectSecret: string
  deliver(force: boolean): Promise<unknown>
  webhookUrl(): string | null
  connectWebhookUrl(): string | null
}

export type Body = Record<string, unknown>

/** A control: the JSON body, the path's `:id` and second parameter (`''` when none), the URL. */
export type Control = (host: ControlHost, body: Body, id: string, url: URL, subId: string) => unknown

/**
 * An emulator action (no API request), in the scope of the account that holds `objectId` when given: a
 * control on a connected account's payment records its events on that account.
 */
export function emulatorCtx(store: Store, objectId?: string): Ctx {
  const scope = objectId === undefined ? store : store.forAccount(store.scopeOf(objectId) ?? null)
  return { store: scope, request: { id: null, idempotency_key: null } }
}

export function oneOf<T extends string>(body: Body, name: string, values: readonly T[], fallback?: T): T {
  const value = body[name] ?? fallback
  if (!values.includes(value as T))
    throw invalidRequest(`${name} must be one of ${values.join(', ')}`, { param: name })
  return value as T
}
