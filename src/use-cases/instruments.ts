import { eq } from 'drizzle-orm'
import type { Actor } from '../domain/access'
import type { Services } from './context'
import { instruments, type instrumentCategories } from '../adapters/d1/schema'
import { ApiError } from '../lib/errors'
import { jsonMapper } from '../adapters/d1/json-columns'
import { newId } from '../lib/ids'
import { nowIso } from '../lib/time'
import type { Instrument } from '../adapters/d1/schema'

export type InstrumentCategory = (typeof instrumentCategories)[number]

export interface NewInstrument {
  name: string
  category: InstrumentCategory
  brand?: string
  model?: string
  description?: string
}

export async function createInstrument(
  { db }: Services,
  actor: Actor,
  input: NewInstrument,
): Promise<Instrument> {
  const createdBy = actor.id
  const now = nowIso()
  const [instrument] = await db
    .insert(instruments)
    .values({
      id: newId('ins'),
      name: input.name,
      category: input.category,
      brand: input.brand ?? null,
      model: input.model ?? null,
      description: input.description ?? null,
      createdBy,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  return instrument!
}

export async function getInstrument({ db }: Services, id: string): Promise<Instrument> {
  const instrument = await db.query.instruments.findFirst({ where: eq(instruments.id, id) })
  if (!instrument) throw new ApiError('instrument_not_found', 'Instrument not found')
  return instrument
}

/** An instrument as the API shows it: JSON key → column, in answer order. */
export const instrumentColumns = {
  id: instruments.id,
  name: instruments.name,
  category: instruments.category,
  brand: instruments.brand,
  model: instruments.model,
  description: instruments.description,
  created_by: instruments.createdBy,
  created_at: instruments.createdAt,
  updated_at: instruments.updatedAt,
}

export const toInstrumentJson = jsonMapper<typeof instrumentColumns, Instrument>(
  instruments,
  instrumentColumns,
)
