import type Stripe from 'stripe'

export type ErrorType =
  'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error' | 'rate_limit_error'

/** The body Stripe puts under `error` (https://docs.stripe.com/api/errors). */
export interface ErrorBody {
  type: ErrorType
  message: string
  code?: string
  decline_code?: string
  param?: string
  doc_url?: string
  charge?: string
  payment_intent?: Stripe.PaymentIntent
  payment_method?: { id: string; object: 'payment_method'; type: 'card' }
  request_log_url?: string
}

/** Thrown anywhere in the emulator and rendered by the router as Stripe renders errors. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message)
  }
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`
}

interface InvalidOptions {
  param?: string
  code?: string
  status?: number
}

export function invalidRequest(message: string, options: InvalidOptions = {}): StripeApiError {
  const { param, code, status = 400 } = options
  const body: ErrorBody = { type: 'invalid_request_error', message }
  if (code) Object.assign(body, { code, doc_url: docUrl(code) })
  if (param) body.param = param
  return new StripeApiError(status, body)
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' })
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, { param, code: 'resource_missing', status: 404 })
}

export function unexpectedState(message: string): StripeApiError {
  return invalidRequest(message, { code: 'payment_intent_unexpected_state' })
}

export function errorResponse(error: StripeApiError, headers: Headers): Response {
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value)
  return Response.json({ error: error.body }, { status: error.status, headers })
}
