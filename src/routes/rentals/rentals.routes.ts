import { createRoute } from '@hono/zod-openapi'
import { JSON_BODY, NO_BODY, problemResponses, SIGNED_IN, STRIPE } from '../error-responses'
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
    ...problemResponses(SIGNED_IN, JSON_BODY, STRIPE, [
      'invalid_date_range',
      'amount_too_large',
      'listing_not_found',
      'listing_inactive',
      'listing_unavailable',
      'own_listing',
      'rental_hold_exists',
      'rental_hold_limit',
    ]),
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
    ...problemResponses(SIGNED_IN, ['validation_failed']),
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
    ...problemResponses(SIGNED_IN, ['validation_failed', 'rental_not_found']),
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
    ...problemResponses(SIGNED_IN, NO_BODY, STRIPE, [
      'validation_failed',
      'rental_not_found',
      'forbidden',
      'rental_not_cancellable',
      'rental_already_paid',
      'refund_in_progress',
    ]),
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
    ...problemResponses(SIGNED_IN, NO_BODY, [
      'validation_failed',
      'rental_not_found',
      'not_owner',
      'rental_not_completable',
      'rental_not_started',
    ]),
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
    ...problemResponses(SIGNED_IN, [
      'validation_failed',
      'rental_not_found',
      'forbidden',
      'rental_not_cancellable',
    ]),
  },
})

export type CreateRoute = typeof create
export type ListRoute = typeof list
export type GetOneRoute = typeof getOne
export type CancelRoute = typeof cancel
export type CancellationQuoteRoute = typeof cancellationQuote
export type CompleteRoute = typeof complete
