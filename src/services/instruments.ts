import { eq } from 'drizzle-orm'
import type { Database } from '../db/client'
import { instruments, type instrumentCategories } from '../db/schema'
import { ApiError } from '../lib/errors'
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

export const toInstrumentJson = (instrument: Instrument) => ({
  id: instrument.id,
  name: instrument.name,
  category: instrument.category,
  brand: instrument.brand,
  model: instrument.model,
  description: instrument.description,
  created_by: instrument.createdBy,
  created_at: instrument.createdAt,
  updated_at: instrument.updatedAt,
})
