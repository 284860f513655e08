import { html, raw } from 'hono/html'

type Json = Record<string, unknown>

/**
 * A self-contained reference page rendered from the OpenAPI document: no CDN, no script, so /docs works
 * offline and under a strict Content-Security-Policy.
 */
export function renderDocs(document: Json) {
  const info = (document.info ?? {}) as Json
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  )
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${String(info.title ?? 'API')} reference</title>
        <style>
          ${raw(styles)}
        </style>
      </head>
      <body>
        <h1>${String(info.title ?? 'API')} <small>${String(info.version ?? '')}</small></h1>
        <p>${String(info.description ?? '')}</p>
        <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
        <nav>
          <ul>
            ${operations.map(({ path, method }) => html`<li><a href="#${anchor(method, path)}">${method.toUpperCase()} ${path}</a></li>`)}
          </ul>
        </nav>
        ${operations.map(({ path, method, operation }) => renderOperation(path, method, operation))}
      </body>
    </html>`
}

function renderOperation(path: string, method: string, operation: Json) {
  const parameters = (operation.parameters ?? []) as Json[]
  const body = ((operation.requestBody as Json | undefined)?.content as Json | undefined)?.[
    'application/json'
  ] as Json | undefined
  const responses = (operation.responses ?? {}) as Record<string, Json>
  return html`<section id="${anchor(method, path)}">
    <h2><span class="method ${method}">${method.toUpperCase()}</span> <code>${path}</code></h2>
    <p>
      ${String(operation.summary ?? '')}${operation.security ? html` <em>(bearer token required)</em>` : ''}
    </p>
    ${
      parameters.length
        ? html`<h3>Parameters</h3>
            <ul>
              ${parameters.map((p) => html`<li><code>${String(p.name)}</code> in ${String(p.in)}${p.required ? ' (required)' : ''}</li>`)}
            </ul>`
        : ''
    }
    ${
      body
        ? html`<h3>Request body</h3>
            <pre>${JSON.stringify(body.schema, null, 2)}</pre>`
        : ''
    }
    <h3>Responses</h3>
    <ul>
      ${Object.entries(responses).map(([status, response]) => html`<li><b>${status}</b> ${String(response.description ?? '')}</li>`)}
    </ul>
  </section>`
}

const anchor = (method: string, path: string) => `${method}-${path.replace(/[^a-z0-9]+/gi, '-')}`

const styles = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}pre{background:#f6f6f6;padding:.75rem;overflow:auto;font-size:13px}
.method{display:inline-block;min-width:4rem;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:2px 6px}
.get{background:#2b7bb9}.post{background:#2e8540}.delete{background:#b52}nav ul{columns:2}h1 small{color:#888}`
