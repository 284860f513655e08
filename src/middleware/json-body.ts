import { createMiddleware } from 'hono/factory'
import { bodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../env'
import { ApiError } from '../lib/errors'

export const MAX_BODY_BYTES = 64 * 1024
/** Stripe events carry whole objects; they get more room than API requests. */
export const MAX_WEBHOOK_BODY_BYTES = 512 * 1024

/** Bodies are JSON and small: anything else is refused before a handler reads it. */
export const jsonBodyOnly = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method
  const hasBody = c.req.header('content-length') !== undefined && c.req.header('content-length') !== '0'
  const chunked = c.req.header('transfer-encoding') !== undefined
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && (hasBody || chunked)) {
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
      throw new ApiError('unsupported_media_type', 'Request bodies must be application/json')
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
