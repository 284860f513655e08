import { mountApi } from './api'
import { createRouter } from './openapi'
import { withExamples } from './openapi-examples'
import { withProblemExamples } from './problem-examples'

const openApiConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Backline API',
    version: '0.1.0',
    description:
      'Payment backend for peer-to-peer instrument rental marketplaces. Money is integer minor units plus a lowercase ISO-4217 currency. Errors are RFC 9457 application/problem+json with a stable `code` (docs/API.md lists them).',
  },
}

/**
 * The OpenAPI document of every route of the API (src/routes/api.ts). The Worker does not build it: wrangler's
 * builds write it to public/openapi.json (scripts/build-openapi.mjs), a static asset served without running
 * the Worker, and the tests read it from here (test/cross-cutting/openapi-asset.test.ts proves the two equal).
 */
export function openApiDocument() {
  const app = mountApi(createRouter())
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  })
  return withProblemExamples(withExamples(app.getOpenAPI31Document(openApiConfig)))
}
