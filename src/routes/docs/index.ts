import type { Context } from 'hono'
import { html } from 'hono/html'
import type { AppEnv } from '../../app-env'

/**
 * Swagger UI's page around /openapi.json: its script and stylesheet are static assets of this Worker
 * (public/docs/), so the reference needs no CDN, and the policy allows nothing from elsewhere. Swagger UI sets
 * style attributes from script and shows its icons as data: images; "Try it out" calls this origin.
 */
const POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ')

const page = html`<!doctype html>
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>Backline API reference</title>
      <link rel="stylesheet" href="/docs/vendor/swagger-ui.css" />
      <link rel="icon" type="image/png" href="/docs/vendor/favicon-32x32.png" />
    </head>
    <body>
      <div id="swagger-ui"></div>
      <script src="/docs/vendor/swagger-ui-bundle.js"></script>
      <script src="/docs/init.js"></script>
    </body>
  </html>`

/** GET /docs: the API reference, rendered in the browser by Swagger UI from /openapi.json. */
export function docsPage(c: Context<AppEnv>) {
  c.header('Content-Security-Policy', POLICY)
  return c.html(page)
}
