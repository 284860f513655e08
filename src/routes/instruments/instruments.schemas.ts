import * as z from '../../lib/zod'
import { jsonSchema } from '../../adapters/d1/json-columns'
import { instrumentCategories } from '../../adapters/d1/schema'
import { instrumentColumns } from '../../use-cases/instruments'
import { optionalText, lazySchema } from '../schemas'

export const InstrumentSchema = lazySchema(() =>
  jsonSchema(instrumentColumns, {
    id: (field) => field.openapi({ example: 'ins_4f1c9a2b7d3e8f0a1b2c' }),
  }).openapi('Instrument'),
)

export const CreateInstrumentBody = z
  .object({
    name: z.string().trim().min(1, 'Required').max(120),
    category: z.enum(instrumentCategories, { error: `Must be one of ${instrumentCategories.join(', ')}` }),
    brand: optionalText(80),
    model: optionalText(80),
    description: optionalText(2000),
  })
  .openapi('CreateInstrumentRequest')
