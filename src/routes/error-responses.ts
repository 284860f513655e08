import { errorCodes, ProblemSchema, type ErrorCode } from '../lib/errors'

/** Every operation reads D1 in a session that a malformed X-D1-Bookmark cannot open, and may fail unexpectedly. */
const ALWAYS: ErrorCode[] = ['invalid_bookmark', 'internal_error']
/** Operations behind requireAuth: the bearer token, and the per-user rate limit. */
export const SIGNED_IN: ErrorCode[] = ['unauthorized', 'invalid_token', 'rate_limited']
/** Operations that read a JSON body. */
export const JSON_BODY: ErrorCode[] = [
  'validation_failed',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
]
/** POST operations without a body: one may still be sent, and is refused when large or not JSON. */
export const NO_BODY: ErrorCode[] = ['payload_too_large', 'unsupported_media_type']
/** Operations that call Stripe. */
export const STRIPE: ErrorCode[] = ['stripe_error', 'stripe_unavailable']

/**
 * The error responses of one operation: the codes it can answer with, grouped by status. Each status lists its
 * codes as the keys of its examples; their text and bodies are documentation only, which the OpenAPI document
 * adds when it is built (problem-examples.ts), so the Worker does not carry them.
 */
export function problemResponses(...groups: ErrorCode[][]) {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set([...groups.flat(), ...ALWAYS])) {
    const status = errorCodes[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        status,
        {
          description: codes.map((code) => `\`${code}\``).join(', '),
          content: {
            'application/problem+json': {
              schema: ProblemSchema,
              examples: Object.fromEntries(codes.map((code) => [code, { summary: code }])),
            },
          },
        },
      ]),
  )
}
