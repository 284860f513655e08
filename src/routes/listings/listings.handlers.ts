import type { AppRouteHandler } from '../route-handler'
import { listingAvailability } from '../../use-cases/listings/availability'
import {
  createListing,
  getListing,
  searchListings,
  setListingActive,
  toListingJson,
} from '../../use-cases/listings/listings'
import type { AvailabilityRoute, CreateRoute, GetOneRoute, SearchRoute, ToggleRoute } from './listings.routes'

export const create: AppRouteHandler<CreateRoute> = async (c) => {
  const listing = await createListing(c.var.services, c.var.user, c.req.valid('json'))
  return c.json(toListingJson(listing), 201)
}

export const search: AppRouteHandler<SearchRoute> = async (c) => {
  const query = c.req.valid('query')
  const page = await searchListings(c.var.services, { ...query, active: query.active === 'true' })
  return c.json({ data: page.rows.map(toListingJson), next_cursor: page.nextCursor }, 200)
}

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  return c.json(toListingJson(await getListing(c.var.services, c.req.valid('param').id)), 200)
}

const setActive =
  (active: boolean): AppRouteHandler<ToggleRoute> =>
  async (c) => {
    const listing = await setListingActive(c.var.services, c.var.user, c.req.valid('param').id, active)
    return c.json(toListingJson(listing), 200)
  }

export const activate = setActive(true)
export const deactivate = setActive(false)

export const availability: AppRouteHandler<AvailabilityRoute> = async (c) => {
  const { from, to } = c.req.valid('query')
  return c.json(await listingAvailability(c.var.services, c.req.valid('param').id, from, to), 200)
}
