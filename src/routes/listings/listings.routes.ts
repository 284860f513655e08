import { createRoute } from '@hono/zod-openapi'
import { problemResponses, JSON_BODY, NO_BODY, SIGNED_IN } from '../error-responses'
import { idParam, jsonBody, jsonContent, security } from '../schemas'
import { requireAuth } from '../../middleware/auth'
import {
  AvailabilityQuery,
  AvailabilitySchema,
  CreateListingBody,
  ListingPage,
  ListingSchema,
  ListingSearchQuery,
} from './listings.schemas'

export const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['catalogue'],
  summary: 'List an instrument for rent (the caller becomes its owner)',
  security,
  middleware: [requireAuth] as const,
  request: { body: jsonBody(CreateListingBody) },
  responses: {
    201: { description: 'Listing created', ...jsonContent(ListingSchema) },
    ...problemResponses(SIGNED_IN, JSON_BODY, ['instrument_not_found', 'payout_account_required']),
  },
})

export const search = createRoute({
  method: 'get',
  path: '/',
  tags: ['catalogue'],
  summary: 'Search listings, newest first',
  request: { query: ListingSearchQuery },
  responses: {
    200: { description: 'A page of listings', ...jsonContent(ListingPage) },
    ...problemResponses(['validation_failed']),
  },
})

export const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['catalogue'],
  summary: 'Read a listing',
  request: { params: idParam('lst') },
  responses: {
    200: { description: 'The listing', ...jsonContent(ListingSchema) },
    ...problemResponses(['validation_failed', 'listing_not_found']),
  },
})

const toggle = (action: 'activate' | 'deactivate') =>
  createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    tags: ['catalogue'],
    summary:
      action === 'activate'
        ? 'Offer a listing for rent again (owner)'
        : 'Withdraw a listing from rent (owner)',
    security,
    middleware: [requireAuth] as const,
    request: { params: idParam('lst') },
    responses: {
      200: { description: 'The listing', ...jsonContent(ListingSchema) },
      ...problemResponses(SIGNED_IN, NO_BODY, [
        'validation_failed',
        'listing_not_found',
        'not_owner',
        ...(action === 'activate' ? (['payout_account_required'] as const) : []),
      ]),
    },
  })

export const activate = toggle('activate')
export const deactivate = toggle('deactivate')

export const availability = createRoute({
  method: 'get',
  path: '/{id}/availability',
  tags: ['catalogue'],
  summary: 'Booked date ranges of a listing within [from, to)',
  request: { params: idParam('lst'), query: AvailabilityQuery },
  responses: {
    200: { description: 'Availability of the listing', ...jsonContent(AvailabilitySchema) },
    ...problemResponses(['validation_failed', 'invalid_date_range', 'listing_not_found']),
  },
})

export type CreateRoute = typeof create
export type SearchRoute = typeof search
export type GetOneRoute = typeof getOne
export type ToggleRoute = typeof activate
export type AvailabilityRoute = typeof availability
