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
  setup_intent?: Stripe.SetupIntent
  payment_method?: Stripe.PaymentMethod
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

/**
 * Stripe's answer to a parameter an endpoint does not take, and to one the emulator does not implement: it is
 * refused rather than accepted and ignored, so a caller never relies on something that did not happen.
 */
export function unknownParameter(param: string): StripeApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, { param, code: 'parameter_unknown' })
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' })
}

/** 404 for the object a path names; 400 (`status`) for one a parameter names, as Stripe answers. */
export function resourceMissing(kind: string, id: string, param = 'id', status = 404): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, { param, code: 'resource_missing', status })
}

export function unexpectedState(
  message: string,
  code:
    'payment_intent_unexpected_state' | 'setup_intent_unexpected_state' = 'payment_intent_unexpected_state',
): StripeApiError {
  return invalidRequest(message, { code })
}

/** The same error carrying the PaymentIntent it was about, as Stripe's errors on an intent do. */
export function aboutIntent(error: StripeApiError, intent: Stripe.PaymentIntent): StripeApiError {
  return new StripeApiError(
    error.status,
    { ...error.body, payment_intent: structuredClone(intent) },
    error.headers,
  )
}

/** The same error carrying the SetupIntent it was about, as Stripe's errors on a SetupIntent do. */
export function aboutSetupIntent(error: StripeApiError, intent: Stripe.SetupIntent): StripeApiError {
  return new StripeApiError(
    error.status,
    { ...error.body, setup_intent: structuredClone(intent) },
    error.headers,
  )
}

export function errorResponse(error: StripeApiError, headers: Headers): Response {
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value)
  return Response.json({ error: error.body }, { status: error.status, headers })
}
