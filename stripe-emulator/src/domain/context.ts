import type { Store } from '../store/store'

/** What a state change needs: the store and the API request that caused it (null for emulator actions). */
export interface Ctx {
  store: Store
  request: { id: string | null; idempotency_key: string | null }
}
