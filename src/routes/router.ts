import type { Context } from 'hono'
import { cors } from 'hono/cors'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { requestId } from 'hono/request-id'
import { newId } from '../lib/ids'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from '../app-env'
import { createRouter, type Router } from './openapi'
import { handleError, notFound, wrongMethod } from '../middleware/errors'
import { jsonBodyOnly, limitBody } from '../middleware/json-body'
import { requestContext } from '../middleware/request-context'
import { BOOKMARK_HEADER } from '../adapters/d1/sessions'
import { docsPage } from './docs'

/** One router with what every request goes through, the routes `mount` adds, and the answers for errors. */
export function buildRouter(mount?: (app: Router) => Router) {
  const app = createRouter()

  // Hono's requestId keeps a sane client X-Request-Id (word characters, - and =, at most 128) or makes one.
  app.use('*', requestId({ limitLength: 128, generator: () => newId('req') }))
  app.use('*', requestContext)
  app.use('*', methodNotAllowed({ app, onMethodNotAllowed: wrongMethod }))
  app.use('*', secureHeaders())
  const corsHeaders = cors({
    origin: (origin, c: Context<AppEnv>) => (c.var.settings.CORS_ORIGINS.includes(origin) ? origin : null),
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', BOOKMARK_HEADER],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', BOOKMARK_HEADER],
    maxAge: 600,
  })
  // A request without Origin is not a CORS request (servers, mobile apps, curl): it only needs the Vary, and
  // skips the CORS middleware's placeholder response, which costs every such request a Response and a copy.
  // (Headers are set on c.res directly after next(): c.header() would copy the finished Response again.)
  app.use('/api/*', async (c, next) => {
    if (c.req.header('origin') !== undefined || c.req.method === 'OPTIONS') return corsHeaders(c, next)
    await next()
    c.res.headers.append('Vary', 'Origin')
  })
  app.use('/api/*', limitBody, jsonBodyOnly)

  mount?.(app)
  app.get('/docs', docsPage)

  app.onError(handleError)
  app.notFound(notFound)
  return app
}
