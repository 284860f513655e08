import { z } from '@hono/zod-openapi'
import { rentalStatuses } from '../../adapters/d1/schema'
import { Currency, IsoDate, idString, MinorUnits, PaginationQuery, pageOf } from '../schemas'

export const RentalSchema = z
  .object({
    id: z.string().openapi({ example: 'rnt_4f1c9a2b7d3e8f0a1b2c' }),
    listing_id: z.string(),
    renter_id: z.string(),
    owner_id: z.string(),
    start_date: IsoDate,
    end_date: IsoDate.openapi({ description: 'Exclusive: the return day' }),
    days: z.number().int(),
    daily_rate: MinorUnits,
    amount: z.number().int().openapi({ description: 'daily_rate × days, in minor units' }),
    currency: Currency,
    deposit_amount: MinorUnits,
    status: z.enum(rentalStatuses),
    hold_expires_at: z
      .string()
      .openapi({ description: 'A pending rental holds its dates until then unless paid' }),
    cancel_reason: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Rental')

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
