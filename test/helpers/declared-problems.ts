import type { ApiResponse } from './api'

type Document = { paths: Record<string, Record<string, { responses: Record<string, any> }>> }

interface Declared {
  method: string
  template: string
  pattern: RegExp
  responses: Record<string, any>
}

let declared: Declared[] | undefined

/** The app's own /openapi.json, read once per test file: what each operation says it can answer. */
async function operations(fetchDocument: () => Promise<Document>): Promise<Declared[]> {
  if (declared) return declared
  const document = await fetchDocument()
  declared = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      responses: operation.responses,
    })),
  )
  return declared
}

/**
 * Every problem an operation answers must be declared by it: its status among the operation's responses, with
 * an example for its code (so /docs shows it). Answers of no operation (an unknown path, 405) are not checked.
 * Returns what is wrong, or undefined. Every test that sees an error checks the reference through this.
 */
export async function undeclaredProblem(
  fetchDocument: () => Promise<Document>,
  method: string,
  url: string,
  response: ApiResponse,
): Promise<string | undefined> {
  if (!response.headers.get('content-type')?.startsWith('application/problem+json')) return undefined
  const path = new URL(url, 'https://backline.test').pathname
  const operation = (await operations(fetchDocument)).find(
    (candidate) => candidate.method === method && candidate.pattern.test(path),
  )
  if (!operation) return undefined
  const code = response.body?.code
  const examples = operation.responses[response.status]?.content?.['application/problem+json']?.examples ?? {}
  if (code in examples) return undefined
  return `${method} ${operation.template} answered ${response.status} ${code}, which its OpenAPI responses do not declare (src/routes/*/*.routes.ts, problemResponses)`
}
