import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../lib/errors'
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
    ...errorResponses,
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
    ...errorResponses,
  },
})

export type CreateRoute = typeof create
export type GetOneRoute = typeof getOne
