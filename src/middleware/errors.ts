import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from '../app-env'
import { ApiError, problemResponse, type ErrorCode } from '../lib/errors'
import { createLogger } from '../lib/logger'

const httpExceptionCodes: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_json',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
}

/** The one place errors become responses: own errors, Hono's HTTPException, and the unknown (logged, 500). */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  const requestId = c.var.requestId ?? 'unknown'
  if (error instanceof ApiError) return problemResponse(error, requestId)
  if (error instanceof HTTPException) {
    const code = httpExceptionCodes[error.status] ?? 'internal_error'
    const detail = code === 'invalid_json' ? 'Request body is not valid JSON' : error.message || code
    return problemResponse(new ApiError(code, detail), requestId)
  }
  const logger = c.var.logger ?? createLogger({ request_id: requestId })
  logger.error('unhandled error', {
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  })
  return problemResponse(new ApiError('internal_error', 'Unexpected error; quote the request id'), requestId)
}

/** A known path with another method: 405 with an Allow header (found by Hono's methodNotAllowed). */
export const wrongMethod = (c: Context<AppEnv>, allowed: string[]) =>
  problemResponse(
    new ApiError('method_not_allowed', `${c.req.method} is not allowed here; use ${allowed.join(', ')}`, {
      headers: { Allow: allowed.join(', ') },
    }),
    c.var.requestId ?? 'unknown',
  )

/** No route at this path. */
export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(
    new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`),
    c.var.requestId ?? 'unknown',
  )
