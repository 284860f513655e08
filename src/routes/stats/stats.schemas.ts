import * as z from '../../lib/zod'
import { Currency, DateWindowQuery, lazySchema } from '../schemas'

export const StatsQuery = DateWindowQuery

export const OwnerStatsSchema = lazySchema(() =>
  z
    .object({
      from: z.string(),
      to: z.string(),
      months: z.array(
        z.object({
          month: z.string().openapi({ example: '2026-11', description: 'The month the rental was booked' }),
          currency: Currency,
          bookings: z.number().int().openapi({ description: 'Paid bookings' }),
          nights: z.number().int(),
          revenue: z.number().int().openapi({ description: 'Paid, in minor units' }),
          platform_fees: z.number().int(),
          refunds: z.number().int(),
          net: z.number().int().openapi({ description: 'revenue − platform_fees − refunds' }),
        }),
      ),
      listings: z.array(
        z.object({
          listing_id: z.string(),
          title: z.string(),
          nights_booked: z
            .number()
            .int()
            .openapi({ description: 'Nights of paid rentals within the window' }),
          days_in_window: z.number().int(),
          occupancy: z.number().openapi({ description: 'nights_booked / days_in_window, 0 to 1' }),
        }),
      ),
    })
    .openapi('OwnerStats'),
)
