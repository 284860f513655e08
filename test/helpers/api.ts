import { createExecutionContext } from 'cloudflare:test'
import { testEnv } from './stripe-emulator'
import worker from '../../src/index'
import { ProblemSchema } from '../../src/lib/errors'
import { openApiDocument as buildOpenApiDocument } from '../../src/routes/openapi-document'
import { undeclaredProblem } from './declared-problems'

export interface ApiResponse<T = any> {
  status: number
  body: T
  headers: Headers
}

export interface ApiOptions {
  token?: string
  body?: unknown
  headers?: Record<string, string>
}

// Each test file is its own client address, so the per-address rate limit of one file never touches another.
const octet = () => Math.floor(Math.random() * 254) + 1
export const CLIENT_ADDRESS = `10.${octet()}.${octet()}.${octet()}`

/**
 * The Worker's own fetch handler with the test env, as the runtime calls it. Not through
 * `exports.default.fetch`: in this pool each call through it makes the next one slower (3 ms → 40 ms after a
 * few hundred calls in one file), which a direct call does not.
 */
export const callWorker = async (request: Request): Promise<Response> =>
  worker.fetch(request, testEnv, createExecutionContext())

/** Calls the Worker's own fetch handler, as a client would, and parses JSON or problem+json bodies. */
export async function api<T = any>(
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { 'cf-connecting-ip': CLIENT_ADDRESS, ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: string | undefined
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await callWorker(new Request(`https://backline.test${path}`, { method, headers, body }))
  const type = response.headers.get('content-type') ?? ''
  const parsed = type.includes('json') ? await response.json() : await response.text()
  const result = { status: response.status, body: parsed as T, headers: response.headers }
  const undeclared = await undeclaredProblem(openApiDocument, method, path, result)
  if (undeclared) throw new Error(undeclared)
  return result
}

let document: any
/**
 * The API's OpenAPI document as clients read it from /openapi.json (a static asset that wrangler's builds write
 * from the same function: test/cross-cutting/openapi-asset.test.ts), built once per test file.
 */
export const openApiDocument = async (): Promise<any> =>
  (document ??= JSON.parse(JSON.stringify(buildOpenApiDocument())))

/**
 * Asserts the RFC 9457 shape: the status and code expected, `application/problem+json`, a body that parses
 * with ProblemSchema (the documented contract), and `body.status` equal to the HTTP status (an extension
 * member may never replace it). Returns the body for further checks.
 */
export function expectProblem(response: ApiResponse, status: number, code: string) {
  const summary = JSON.stringify(response.body)
  if (response.status !== status || response.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.status} ${summary}`)
  }
  if (!response.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${response.headers.get('content-type')}`)
  }
  const parsed = ProblemSchema.safeParse(response.body)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`problem body does not match ProblemSchema (${issues.join('; ')}): ${summary}`)
  }
  if (response.body.status !== response.status) {
    throw new Error(`problem body status ${JSON.stringify(response.body.status)} ≠ HTTP ${response.status}`)
  }
  return response.body as { detail: string; errors?: { path: string; message: string }[] }
}
