import * as z from '../lib/zod'
import { MAX_CHARGE_AMOUNT } from '../domain/money'

export const MAX_PAGE_SIZE = 100
export const DEFAULT_PAGE_SIZE = 20

export const PaginationQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ description: `Page size, at most ${MAX_PAGE_SIZE}` }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'Opaque cursor from the previous page (`next_cursor`)' }),
})

/**
 * A schema built at its first use, then kept. Answers are not validated, so a response schema is only read
 * when the OpenAPI document is built (at build time: scripts/build-openapi.mjs; and by the tests): declared
 * this way, it costs the Worker nothing. Request schemas stay plain constants: their validators need them for every request.
 */
export function lazySchema<T extends z.ZodType>(build: () => T): () => T {
  let schema: T | undefined
  return () => (schema ??= build())
}

export const pageOf = <T extends z.ZodType>(item: () => T, name: string) =>
  lazySchema(() => z.object({ data: z.array(item()), next_cursor: z.string().nullable() }).openapi(name))

export const IsoDate = z.iso
  .date({ error: 'Must be a date in YYYY-MM-DD format' })
  .openapi({ example: '2026-12-01' })

export const Currency = z
  .string()
  .regex(/^[a-z]{3}$/, 'Must be a lowercase ISO-4217 currency code such as "usd"')
  .openapi({ example: 'usd' })

export const MinorUnits = z
  .number()
  .int('Must be an integer amount in minor units')
  .min(0)
  .max(MAX_CHARGE_AMOUNT)
  .openapi({ description: 'Integer amount in minor units (cents for usd, yen for jpy)', example: 4500 })

/** One of our ids with this prefix (`lst_…`): what newId makes, nothing else. */
export const idString = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`), `Must be an id starting with ${prefix}_`)

/** Optional free text: trimmed, and not empty when given. */
export const optionalText = (max: number) => z.string().trim().min(1, 'Must not be empty').max(max).optional()

/**
 * A path parameter holding an id with this prefix, named `id` unless said otherwise. (An overload, not a
 * default type argument: inside createRoute, TypeScript would infer the name as `string` and every handler
 * would read `c.req.valid('param').id` as possibly undefined.)
 */
export function idParam(prefix: string): ReturnType<typeof idParamNamed<'id'>>
export function idParam<N extends string>(prefix: string, name: N): ReturnType<typeof idParamNamed<N>>
export function idParam(prefix: string, name = 'id') {
  const key = `${prefix} ${name}`
  let params = idParams.get(key)
  if (!params) idParams.set(key, (params = idParamNamed(prefix, name)))
  return params
}

/** One schema per prefix and name, however many routes take it (built at start-up: validators need it). */
const idParams = new Map<string, ReturnType<typeof idParamNamed<string>>>()

function idParamNamed<N extends string>(prefix: string, name: N) {
  const id = idString(prefix).openapi({
    param: { name, in: 'path' },
    example: `${prefix}_4f1c9a2b7d3e8f0a1b2c`,
  })
  return z.object({ [name]: id } as { [K in N]: typeof id })
}

export const security = [{ bearerAuth: [] }]

/** A required JSON request body: without `required`, zod-openapi would skip validation of a missing body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})

/** A JSON answer, documented by a lazySchema: built when the OpenAPI document reads it, not before. */
export const jsonContent = <T extends z.ZodType>(schema: () => T) => ({
  content: {
    'application/json': {
      get schema() {
        return schema()
      },
    },
  },
})

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Text that is well-formed Unicode. JSON can carry lone surrogates (`"\\ud800"`) that no UTF-8 client can
 * type; stored or hashed, they collapse to U+FFFD, so two different passwords would hash alike.
 */
export const WellFormedText = z
  .string()
  .refine((text) => !LONE_SURROGATE.test(text), 'Must be well-formed Unicode text')

/** A window of days [from, to), at most 366 days (validateAvailabilityWindow checks the order and length). */
export const DateWindowQuery = z.object({
  from: IsoDate.openapi({ description: 'First day of the window (UTC)' }),
  to: IsoDate.openapi({
    description: 'Day after the last day of the window (exclusive), at most 366 days after from',
  }),
})
