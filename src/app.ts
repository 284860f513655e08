import type { Context } from 'hono'
import { cors } from 'hono/cors'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { requestId } from 'hono/request-id'
import { newId } from './lib/ids'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from './app-env'
import { createRouter } from './routes/openapi'
import { mountApi } from './routes/api'
import { handleError, notFound, wrongMethod } from './middleware/errors'
import { jsonBodyOnly, limitBody } from './middleware/json-body'
import { requestContext } from './middleware/request-context'
import { BOOKMARK_HEADER } from './adapters/d1/sessions'
import { dashboardRoutes } from './routes/dashboard'
import { docsPage } from './routes/docs'
import { withExamples } from './routes/openapi-examples'

const openApiConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Backline API',
    version: '0.1.0',
    description:
      'Payment backend for peer-to-peer instrument rental marketplaces. Money is integer minor units plus a lowercase ISO-4217 currency. Errors are RFC 9457 application/problem+json with a stable `code` (docs/API.md lists them).',
  },
}

export function createApp() {
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

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  })

  mountApi(app)
  app.route('/dashboard', dashboardRoutes)

  // Built once per isolate, at the first request for it (the routes are all registered by then).
  let document: object | undefined
  const openApiDocument = () => (document ??= withExamples(app.getOpenAPI31Document(openApiConfig)))
  app.get('/openapi.json', (c) => c.json(openApiDocument()))
  app.get('/docs', docsPage)

  app.onError(handleError)
  app.notFound(notFound)
  return app
}

export type App = ReturnType<typeof createApp>
