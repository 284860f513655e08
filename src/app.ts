import type { Context } from 'hono'
import { cors } from 'hono/cors'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { requestId } from 'hono/request-id'
import { newId } from './lib/ids'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from './app-env'
import { createRouter } from './routes/openapi'
import { handleError, notFound, wrongMethod } from './middleware/errors'
import { jsonBodyOnly, limitBody } from './middleware/json-body'
import { requestContext } from './middleware/request-context'
import { BOOKMARK_HEADER } from './adapters/d1/sessions'
import { adminRoutes } from './routes/admin'
import { authRoutes } from './routes/auth'
import { paymentRoutes, refundRoutes } from './routes/payments'
import { webhookRoutes } from './routes/webhooks'
import { dashboardRoutes } from './routes/dashboard'
import { docsPage } from './routes/docs'
import { withExamples } from './routes/openapi-examples'
import { instrumentRoutes } from './routes/instruments'
import { listingRoutes } from './routes/listings'
import { rentalRoutes } from './routes/rentals'
import { statsRoutes } from './routes/stats'

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

  app.route('/api', authRoutes)
  app.route('/api/payments', paymentRoutes)
  app.route('/api/refunds', refundRoutes)
  app.route('/api/webhooks', webhookRoutes)
  app.route('/api/instruments', instrumentRoutes)
  app.route('/api/listings', listingRoutes)
  app.route('/api/rentals', rentalRoutes)
  app.route('/api/admin', adminRoutes)
  app.route('/api', statsRoutes)
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
