import type { Context } from 'hono'
import type { AppEnv } from '../../app-env'
import { renderDocs } from './render'

/** GET /docs: the OpenAPI document the app serves at /openapi.json, rendered as one offline HTML page. */
export function docsPage(c: Context<AppEnv>, document: object) {
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  return c.html(renderDocs(document as Record<string, unknown>))
}
