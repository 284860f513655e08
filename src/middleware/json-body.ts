import { createMiddleware } from 'hono/factory'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../app-env'
import { ApiError } from '../lib/errors'

export const MAX_BODY_BYTES = 64 * 1024
/** Stripe events carry whole objects; they get more room than API requests. */
export const MAX_WEBHOOK_BODY_BYTES = 512 * 1024

const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\b/i

/**
 * Bodies are JSON and small: anything else is refused before a handler reads it. An empty body is no body,
 * whatever its content type says (many HTTP clients send `Content-Type: application/json` with nothing):
 * the content type is dropped so that an optional body validates as absent instead of as malformed JSON.
 */
export const jsonBodyOnly = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const length = c.req.header('content-length')
    const hasBody = c.req.raw.body !== null && length !== '0'
    const type = c.req.header('content-type')
    if (hasBody && !JSON_TYPE.test(type ?? '')) {
      throw new ApiError('unsupported_media_type', 'Request bodies must be application/json')
    }
    if (!hasBody && type) {
      const headers = new Headers(c.req.raw.headers)
      headers.delete('content-type')
      c.req.raw = new Request(c.req.raw.url, { method, headers })
    }
  }
  await next()
})

const limitTo = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError('payload_too_large', `Request bodies are limited to ${maxSize} bytes`)
    },
  })

const apiLimit = limitTo(MAX_BODY_BYTES)
const webhookLimit = limitTo(MAX_WEBHOOK_BODY_BYTES)

export const limitBody = createMiddleware<AppEnv>((c, next) =>
  (c.req.path.startsWith('/api/webhooks/') ? webhookLimit : apiLimit)(c, next),
)
