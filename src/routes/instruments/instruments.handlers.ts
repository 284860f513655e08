import type { AppRouteHandler } from '../../lib/route-handler'
import { createInstrument, getInstrument, toInstrumentJson } from '../../services/instruments'
import type { CreateRoute, GetOneRoute } from './instruments.routes'

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const instrument = await createInstrument(c.var.db, c.var.user.id, c.req.valid('json'))
  return c.json(toInstrumentJson(instrument), 201)
}

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  return c.json(toInstrumentJson(await getInstrument(c.var.db, c.req.param('id'))), 200)
}
