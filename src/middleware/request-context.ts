import { createMiddleware } from 'hono/factory'
import { createServices } from '../use-cases/context'
import { loadSettings } from '../env'
import type { AppEnv } from '../app-env'
import { createLogger } from '../lib/logger'
import { BOOKMARK_HEADER, requestSession } from '../adapters/d1/sessions'

/** Reads may be served by the nearest D1 replica; everything else starts on the primary. */
const READ_METHODS = new Set(['GET', 'HEAD'])

/**
 * Puts the per-request dependencies on the context: a logger that stamps the request id (from Hono's
 * requestId) on every line, the parsed settings, and the services every use case takes, on the request's D1
 * session (read replication: docs/DEPLOYMENT.md), whose bookmark the answer carries. One access log line each.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = c.var.requestId
  // A configuration error below reaches handleError, which logs it with the request id.
  const settings = loadSettings(c.env)
  const logger = createLogger({ request_id: requestId }, settings.LOG_LEVEL)
  c.set('logger', logger)
  c.set('settings', settings)
  const session = requestSession(c.env.DB, {
    primary: !READ_METHODS.has(c.req.method),
    bookmark: c.req.header(BOOKMARK_HEADER),
  })
  c.set('services', createServices(c.env, settings, logger, { d1: session.client }))
  const started = Date.now()
  await next()
  // After next(): the response may have been replaced (onError, notFound), so the header is set on the final
  // one, directly (c.header() would copy the finished Response first).
  c.res.headers.set('X-Request-Id', requestId)
  const bookmark = session.bookmark()
  if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark)
  logger.info('request', {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Date.now() - started,
  })
})
