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
  ctx: Ctx
  params: Params
  /** The `{id}` segment of paths such as `/v1/payment_intents/{id}/confirm`. */
  id: string
}

export type Handler = (request: ApiRequest) => StoredObject | ListObject
