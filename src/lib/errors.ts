import * as z from './zod'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Every stable error code Backline answers with, and the HTTP status it maps to. Documented in docs/API.md. */
export const errorCodes = {
  validation_failed: 400,
  invalid_json: 400,
  invalid_date_range: 400,
  invalid_bookmark: 400,
  unauthorized: 401,
  invalid_token: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_owner: 403,
  own_listing: 403,
  not_renter: 403,
  not_found: 404,
  user_not_found: 404,
  instrument_not_found: 404,
  listing_not_found: 404,
  rental_not_found: 404,
  payment_not_found: 404,
  refund_not_found: 404,
  receipt_not_found: 404,
  credit_note_not_found: 404,
  payout_account_not_found: 404,
  claim_not_found: 404,
  method_not_allowed: 405,
  email_taken: 409,
  listing_inactive: 409,
  listing_unavailable: 409,
  rental_not_cancellable: 409,
  rental_not_completable: 409,
  rental_not_payable: 409,
  rental_hold_expired: 409,
  rental_hold_exists: 409,
  rental_hold_limit: 409,
  rental_not_started: 409,
  rental_already_paid: 409,
  payment_intent_mismatch: 409,
  payment_not_refundable: 409,
  payment_already_completed: 409,
  refund_in_progress: 409,
  payment_attempt_in_progress: 409,
  payout_account_required: 409,
  deposit_not_authorizable: 409,
  deposit_not_releasable: 409,
  deposit_not_claimable: 409,
  claim_window_closed: 409,
  claim_exists: 409,
  claim_not_open: 409,
  claim_not_contested: 409,
  handover_not_refusable: 409,
  invalid_signature: 400,
  refund_exceeds_remaining: 422,
  claim_exceeds_deposit: 422,
  decision_exceeds_claim: 422,
  amount_too_large: 422,
  amount_too_small: 422,
  redirect_not_allowed: 422,
  payment_failed: 402,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  stripe_error: 502,
  stripe_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>

export type ErrorCode = keyof typeof errorCodes

export interface FieldError {
  path: string
  message: string
}

/**
 * The members RFC 9457 defines and the ones every Backline problem carries: an extension member may never
 * take their place (a payment's status, say, must not replace the HTTP `status`).
 */
export const RESERVED_PROBLEM_MEMBERS = [
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'request_id',
  'errors',
] as const

type ReservedProblemMember = (typeof RESERVED_PROBLEM_MEMBERS)[number]

/** Extension members of a problem (e.g. `decline_code`): any name but a reserved one. */
export type ProblemExtensions = Record<string, unknown> & { [K in ReservedProblemMember]?: never }

const reservedProblemMembers: ReadonlySet<string> = new Set(RESERVED_PROBLEM_MEMBERS)

export class ApiError extends Error {
  readonly status: ContentfulStatusCode

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      errors?: FieldError[]
      headers?: Record<string, string>
      extra?: ProblemExtensions
    } = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = errorCodes[code]
  }
}

const titles: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  request_id: string
  errors?: FieldError[]
  [extension: string]: unknown
}

/**
 * The standard members first; then the extension members, except any that would replace a reserved or
 * already present one (the type forbids them, and an untyped caller is ignored here).
 */
export function problemBody(error: ApiError, requestId: string): Problem {
  const body: Problem = {
    type: `https://backline.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: titles[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    code: error.code,
    request_id: requestId,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
  }
  for (const [name, value] of Object.entries(error.options.extra ?? {})) {
    if (reservedProblemMembers.has(name) || Object.hasOwn(body, name)) continue
    body[name] = value
  }
  return body
}

export function problemResponse(error: ApiError, requestId: string): Response {
  const headers = new Headers(error.options.headers)
  headers.set('content-type', 'application/problem+json')
  return new Response(JSON.stringify(problemBody(error, requestId)), { status: error.status, headers })
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
    request_id: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem')
