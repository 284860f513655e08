import { jsonPageResponse } from '../../lib/pagination'
import type { AppRouteHandler } from '../../lib/route-handler'
import {
  cancelRental,
  completeRental,
  createRental,
  rentalFor,
  listRentals,
  toRentalJson,
} from '../../services/rentals'
import type { CancelRoute, CompleteRoute, CreateRoute, GetOneRoute, ListRoute } from './rentals.routes'

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const rental = await createRental(c.var, c.var.user.id, c.req.valid('json'))
  return c.json(toRentalJson(rental), 201)
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const page = await listRentals(c.var.db, c.var.user.id, c.req.valid('query'))
  return jsonPageResponse(c, page)
}

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  return c.json(toRentalJson(await rentalFor(c.var.db, c.var.user, c.req.param('id'))), 200)
}

export const cancel: AppRouteHandler<CancelRoute> = async (c) => {
  return c.json(toRentalJson(await cancelRental(c.var, c.var.user, c.req.param('id'))), 200)
}

export const complete: AppRouteHandler<CompleteRoute> = async (c) => {
  return c.json(toRentalJson(await completeRental(c.var.db, c.var.user, c.req.param('id'))), 200)
}
