import { createRoute, z } from '@hono/zod-openapi'
import { instrumentCategories } from '../../adapters/d1/schema'
import { errorResponses } from '../../lib/errors'
import { idParam, jsonBody, jsonContent, optionalText, security } from '../schemas'
import { requireAuth } from '../../middleware/auth'

export const InstrumentSchema = z
  .object({
    id: z.string().openapi({ example: 'ins_4f1c9a2b7d3e8f0a1b2c' }),
    name: z.string(),
    category: z.enum(instrumentCategories),
    brand: z.string().nullable(),
    model: z.string().nullable(),
    description: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Instrument')

const CreateInstrumentBody = z
  .object({
    name: z.string().trim().min(1, 'Required').max(120),
    category: z.enum(instrumentCategories, { error: `Must be one of ${instrumentCategories.join(', ')}` }),
    brand: optionalText(80),
    model: optionalText(80),
    description: optionalText(2000),
  })
  .openapi('CreateInstrumentRequest')

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
