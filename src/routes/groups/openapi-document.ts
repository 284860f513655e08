import type { Schema } from 'hono'
import type { Router } from '../openapi'
import { mountApi } from '../api'
import { withExamples } from '../openapi-examples'

const openApiConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Backline API',
    version: '0.1.0',
    description:
      'Payment backend for peer-to-peer instrument rental marketplaces. Money is integer minor units plus a lowercase ISO-4217 currency. Errors are RFC 9457 application/problem+json with a stable `code` (docs/API.md lists them).',
  },
}

/** /openapi.json: the document of every route of the API (src/routes/api.ts), built at its first request. */
export function mount<S extends Schema>(app: Router<S>) {
  mountApi(app)
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  })
  let document: object | undefined
  app.get('/openapi.json', (c) =>
    c.json((document ??= withExamples(app.getOpenAPI31Document(openApiConfig)))),
  )
  return app
}
