import * as z from '../../lib/zod'
import { cancellationPolicies, isTimeZone } from '../../domain/cancellation-policies'
import { jsonSchema } from '../../adapters/d1/json-columns'
import { listingColumns } from '../../use-cases/listings/listings'
import { instrumentCategories } from '../../adapters/d1/schema'
import { SUPPORTED_CURRENCIES } from '../../domain/money'
import {
  Currency,
  IsoDate,
  idString,
  MinorUnits,
  optionalText,
  PaginationQuery,
  pageOf,
  DateWindowQuery,
  lazySchema,
} from '../schemas'

export const ListingSchema = lazySchema(() =>
  jsonSchema(listingColumns, {
    id: (field) => field.openapi({ example: 'lst_4f1c9a2b7d3e8f0a1b2c' }),
    daily_rate: () => MinorUnits,
    currency: () => Currency,
    deposit_amount: () => MinorUnits,
  }).openapi('Listing'),
)

export const ListingPage = pageOf(ListingSchema, 'ListingPage')

export const CreateListingBody = z
  .object({
    instrument_id: idString('ins'),
    title: z.string().trim().min(1, 'Required').max(120),
    description: optionalText(2000),
    location: optionalText(120),
    daily_rate: MinorUnits.min(1, 'Must be greater than 0'),
    currency: z.enum(SUPPORTED_CURRENCIES, {
      error: `Must be a supported lowercase ISO-4217 code: ${SUPPORTED_CURRENCIES.join(', ')}`,
    }),
    deposit_amount: MinorUnits.default(0),
    active: z.boolean().default(true),
    cancellation_policy: z
      .enum(cancellationPolicies, { error: `Must be one of ${cancellationPolicies.join(', ')}` })
      .default('flexible')
      .openapi({ description: 'What a cancellation refunds, by how long before the start (docs/API.md)' }),
    time_zone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'Must be an IANA time zone, e.g. Europe/Berlin')
      .default('UTC')
      .openapi({ description: 'IANA time zone: a rental starts at 00:00 local time on its start date' }),
  })
  .openapi('CreateListingRequest')

// A search bound, not a price: any integer a client may send to mean "no limit" is fine.
const rateBound = z.coerce
  .number()
  .int('Must be an integer in minor units')
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .optional()

export const ListingSearchQuery = PaginationQuery.extend({
  category: z.enum(instrumentCategories).optional(),
  currency: Currency.optional(),
  min_rate: rateBound.openapi({
    description: 'Minimum daily rate in minor units; requires currency; the page is then cheapest first',
  }),
  max_rate: rateBound.openapi({
    description: 'Maximum daily rate in minor units; requires currency; the page is then cheapest first',
  }),
  owner_id: idString('usr').optional(),
  active: z
    .enum(['true', 'false'])
    .default('true')
    .openapi({ description: 'Active listings (default) or inactive ones' }),
})
  .refine((query) => query.currency || (query.min_rate === undefined && query.max_rate === undefined), {
    path: ['currency'],
    message: 'Required when filtering by rate: rates of different currencies do not compare',
  })
  .refine(
    (query) =>
      query.min_rate === undefined || query.max_rate === undefined || query.min_rate <= query.max_rate,
    {
      path: ['max_rate'],
      message: 'Must not be less than min_rate',
    },
  )

export const AvailabilityQuery = DateWindowQuery

export const AvailabilitySchema = lazySchema(() =>
  z
    .object({
      listing_id: z.string(),
      from: IsoDate,
      to: IsoDate,
      available: z.boolean().openapi({ description: 'True when no day of [from, to) is booked' }),
      booked: z
        .array(z.object({ start_date: IsoDate, end_date: IsoDate }))
        .openapi({ description: 'Booked ranges (end exclusive), clipped to the window, by start date' }),
    })
    .openapi('ListingAvailability'),
)
