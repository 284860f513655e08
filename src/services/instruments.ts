import { eq } from 'drizzle-orm'
import type { Database } from '../db/client'
import { instruments, type instrumentCategories } from '../db/schema'
import { ApiError } from '../lib/errors'
import { jsonMapper } from '../lib/json-columns'
import { newId } from '../lib/ids'
import { nowIso } from '../lib/time'

export type Instrument = typeof instruments.$inferSelect
export type InstrumentCategory = (typeof instrumentCategories)[number]

export interface NewInstrument {
  name: string
  category: InstrumentCategory
  brand?: string
  model?: string
  description?: string
}

export async function createInstrument(
  db: Database,
  createdBy: string,
  input: NewInstrument,
): Promise<Instrument> {
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

export async function getInstrument(db: Database, id: string): Promise<Instrument> {
  const instrument = await db.query.instruments.findFirst({ where: eq(instruments.id, id) })
  if (!instrument) throw new ApiError('instrument_not_found', 'Instrument not found')
  return instrument
}

/** An instrument as the API shows it: JSON key → column, in answer order. */
const instrumentColumns = {
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
