import type { Ctx } from '../domain/context'
import type { Params } from '../lib/form'
import type { StoredObject } from '../store/store'

export interface ListObject<T = StoredObject> {
  object: 'list'
  data: T[]
  has_more: boolean
  url: string
}

export interface ApiRequest {
  /** Its store is the scope of the `Stripe-Account` header's account, or the platform's without one. */
  ctx: Ctx
  params: Params
  /** The `{id}` segment of paths such as `/v1/payment_intents/{id}/confirm`. */
  id: string
  /** The second one, as in `/v1/transfers/{id}/reversals/{sub}` ('' when the path has none). */
  subId: string
  /** Where a browser reaches the emulator (onboarding links), and the namespace it must name there. */
  site: Site
  /** The caller's API key (Stripe names it, masked, in some errors). */
  apiKey: string
}

export interface Site {
  origin: string
  namespace: string | null
}

/** Most handlers answer an object or a list; Balance and deleted objects have no `created`. */
export type Handler = (request: ApiRequest) => StoredObject | ListObject | { object: string }
