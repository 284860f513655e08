import * as z from '../../lib/zod'
import { cancellationPolicies } from '../../domain/cancellation-policies'
import { jsonSchema } from '../../adapters/d1/json-columns'
import { rentalColumns } from '../../use-cases/rentals/read-rentals'
import { rentalStatuses } from '../../adapters/d1/schema'
import { Currency, IsoDate, idString, MinorUnits, PaginationQuery, pageOf, lazySchema } from '../schemas'

export const RentalSchema = lazySchema(() =>
  jsonSchema(rentalColumns, {
    id: (field) => field.openapi({ example: 'rnt_4f1c9a2b7d3e8f0a1b2c' }),
    start_date: () => IsoDate,
    end_date: () => IsoDate.openapi({ description: 'Exclusive: the return day' }),
    daily_rate: () => MinorUnits,
    amount: (field) => field.openapi({ description: 'daily_rate × days, in minor units' }),
    currency: () => Currency,
    deposit_amount: () => MinorUnits,
    refund_due: (field) =>
      field.openapi({
        description:
          'Once cancelled after payment: what the renter is refunded in all (null: everything paid)',
      }),
    hold_expires_at: (field) =>
      field.openapi({ description: 'A pending rental holds its dates until then unless paid' }),
  }).openapi('Rental'),
)

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

export const CancellationQuoteSchema = lazySchema(() =>
  z
    .object({
      rental_id: z.string(),
      cancellation_policy: z.enum(cancellationPolicies),
      time_zone: z.string().openapi({ example: 'Europe/Berlin' }),
      starts_at: z.string().openapi({ description: '00:00 local time on the start date, in UTC' }),
      paid_amount: MinorUnits,
      refundable_amount: MinorUnits.openapi({ description: 'Paid and not yet refunded' }),
      refund_percent: z.number().int(),
      refund_amount: MinorUnits.openapi({ description: 'floor(refundable_amount × refund_percent / 100)' }),
      currency: Currency,
      rule: z.string().openapi({ example: '100% refunded until 1 day before the start' }),
      valid_until: z
        .string()
        .nullable()
        .openapi({ description: 'When this quote stops holding; null once every window has passed' }),
      quoted_at: z.string(),
    })
    .openapi('CancellationQuote'),
)
