import { createRoute } from '@hono/zod-openapi'
import { problemResponses, JSON_BODY, SIGNED_IN } from '../error-responses'
import { idParam, jsonBody, jsonContent, security } from '../schemas'
import { CreateInstrumentBody, InstrumentSchema } from './instruments.schemas'
import { requireAuth } from '../../middleware/auth'

export const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['catalogue'],
  summary: 'Add an instrument to the catalogue',
  security,
  middleware: [requireAuth] as const,
  request: { body: jsonBody(CreateInstrumentBody) },
  responses: {
    201: { description: 'Instrument created', ...jsonContent(InstrumentSchema) },
    ...problemResponses(SIGNED_IN, JSON_BODY),
  },
})

export const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['catalogue'],
  summary: 'Read an instrument',
  request: { params: idParam('ins') },
  responses: {
    200: { description: 'The instrument', ...jsonContent(InstrumentSchema) },
    ...problemResponses(['validation_failed', 'instrument_not_found']),
  },
})

export type CreateRoute = typeof create
export type GetOneRoute = typeof getOne
