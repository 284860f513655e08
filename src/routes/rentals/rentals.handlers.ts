import { jsonPageResponse } from '../../adapters/d1/pagination'
import type { AppRouteHandler } from '../route-handler'
import { cancelRental } from '../../use-cases/rentals/cancel-rental'
import { completeRental } from '../../use-cases/rentals/complete-rental'
import { createRental } from '../../use-cases/rentals/create-rental'
import { quoteRentalCancellation } from '../../use-cases/rentals/quote-cancellation'
import { listRentals, rentalFor, toRentalJson } from '../../use-cases/rentals/read-rentals'
import type {
  CancelRoute,
  CompleteRoute,
  CreateRoute,
  GetOneRoute,
  ListRoute,
  CancellationQuoteRoute,
} from './rentals.routes'

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const rental = await createRental(c.var.services, c.var.user, c.req.valid('json'))
  return c.json(toRentalJson(rental), 201)
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const page = await listRentals(c.var.services, c.var.user, c.req.valid('query'))
  return jsonPageResponse(c, page)
}

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  return c.json(toRentalJson(await rentalFor(c.var.services, c.var.user, c.req.valid('param').id)), 200)
}

export const cancel: AppRouteHandler<CancelRoute> = async (c) => {
  return c.json(toRentalJson(await cancelRental(c.var.services, c.var.user, c.req.valid('param').id)), 200)
}

export const complete: AppRouteHandler<CompleteRoute> = async (c) => {
  return c.json(toRentalJson(await completeRental(c.var.services, c.var.user, c.req.valid('param').id)), 200)
}

export const cancellationQuote: AppRouteHandler<CancellationQuoteRoute> = async (c) => {
  return c.json(await quoteRentalCancellation(c.var.services, c.var.user, c.req.valid('param').id), 200)
}
