import { z } from '@hono/zod-openapi'
import { jsonSchema } from '../../adapters/d1/json-columns'
import { rentalColumns } from '../../use-cases/rentals/read-rentals'
import { rentalStatuses } from '../../adapters/d1/schema'
import { Currency, IsoDate, idString, MinorUnits, PaginationQuery, pageOf } from '../schemas'

export const RentalSchema = jsonSchema(rentalColumns, {
  id: (field) => field.openapi({ example: 'rnt_4f1c9a2b7d3e8f0a1b2c' }),
  start_date: () => IsoDate,
  end_date: () => IsoDate.openapi({ description: 'Exclusive: the return day' }),
  daily_rate: () => MinorUnits,
  amount: (field) => field.openapi({ description: 'daily_rate × days, in minor units' }),
  currency: () => Currency,
  deposit_amount: () => MinorUnits,
  hold_expires_at: (field) =>
    field.openapi({ description: 'A pending rental holds its dates until then unless paid' }),
}).openapi('Rental')

export const RentalPage = pageOf(RentalSchema, 'RentalPage')

export const CreateRentalBody = z
  .object({
    listing_id: idString('lst'),
    start_date: IsoDate.openapi({ description: 'First day, today (UTC) or later' }),
    end_date: IsoDate.openapi({ description: 'Return day (exclusive), after start_date' }),
  })
  .openapi('CreateRentalRequest')

export const RentalListQuery = PaginationQuery.extend({
  role: z
    .enum(['renter', 'owner'])
    .optional()
    .openapi({ description: 'Only rentals where I am the renter, or the owner; both when omitted' }),
  status: z.enum(rentalStatuses).optional(),
})
