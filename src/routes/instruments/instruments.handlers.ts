import type { AppRouteHandler } from '../route-handler'
import { createInstrument, getInstrument, toInstrumentJson } from '../../use-cases/instruments'
import type { CreateRoute, GetOneRoute } from './instruments.routes'

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const instrument = await createInstrument(c.var.services, c.var.user, c.req.valid('json'))
  return c.json(toInstrumentJson(instrument), 201)
}

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  return c.json(toInstrumentJson(await getInstrument(c.var.services, c.req.valid('param').id)), 200)
}
