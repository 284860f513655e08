import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../lib/errors'
import { idParam, jsonBody, jsonContent, security } from '../schemas'
import { requireAuth } from '../../middleware/auth'
import {
  CancellationQuoteSchema,
  CreateRentalBody,
  RentalListQuery,
  RentalPage,
  RentalSchema,
} from './rentals.schemas'

export const create = createRoute({
  tags: ['rentals'],
  security,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/',
  summary: 'Book a listing for a date range (holds the dates until paid or expired)',
  request: { body: jsonBody(CreateRentalBody) },
  responses: {
    201: { description: 'Rental created, pending payment', ...jsonContent(RentalSchema) },
    ...errorResponses,
  },
})

export const list = createRoute({
  tags: ['rentals'],
  security,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/',
  summary: 'My rentals as renter and/or owner, newest first',
  request: { query: RentalListQuery },
  responses: {
    200: { description: 'A page of rentals', ...jsonContent(RentalPage) },
    ...errorResponses,
  },
})

export const getOne = createRoute({
  tags: ['rentals'],
  security,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}',
  summary: 'Read a rental (renter, owner or admin)',
  request: { params: idParam('rnt') },
  responses: {
    200: { description: 'The rental', ...jsonContent(RentalSchema) },
    ...errorResponses,
  },
})

export const cancel = createRoute({
  tags: ['rentals'],
  security,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{id}/cancel',
  summary: 'Cancel a pending rental (renter or owner) unless a payment is under way',
  request: { params: idParam('rnt') },
  responses: {
    200: { description: 'The cancelled rental', ...jsonContent(RentalSchema) },
    ...errorResponses,
  },
})

export const complete = createRoute({
  tags: ['rentals'],
  security,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{id}/complete',
  summary: 'Mark an active rental as returned (owner)',
  request: { params: idParam('rnt') },
  responses: {
    200: { description: 'The completed rental', ...jsonContent(RentalSchema) },
    ...errorResponses,
  },
})

export const cancellationQuote = createRoute({
  tags: ['rentals'],
  security,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}/cancellation-quote',
  summary: 'What cancelling now would refund, under the policy copied onto the rental (renter or owner)',
  request: { params: idParam('rnt') },
  responses: {
    200: { description: 'The quote', ...jsonContent(CancellationQuoteSchema) },
    ...errorResponses,
  },
})

export type CreateRoute = typeof create
export type ListRoute = typeof list
export type GetOneRoute = typeof getOne
export type CancelRoute = typeof cancel
export type CancellationQuoteRoute = typeof cancellationQuote
export type CompleteRoute = typeof complete
