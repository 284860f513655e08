import { describe, expect, it } from 'vitest'
import { api, expectProblem, openApiDocument } from '../helpers/api'
import { createUser } from '../helpers/factories'
import { ApiError, problemBody, ProblemSchema, type ProblemExtensions } from '../../src/lib/errors'

describe('HTTP edge cases', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    expectProblem(await api('POST', '/api/auth/login', { body: '{"email": ' }), 400, 'invalid_json')
  })

  it('answers a non-JSON content type with 415', async () => {
    const res = await api('POST', '/api/auth/login', {
      body: 'email=a@b.c&password=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expectProblem(res, 415, 'unsupported_media_type')
  })

  it('answers an oversized body with 413', async () => {
    const res = await api('POST', '/api/auth/register', {
      body: { email: 'big@example.test', password: 'x'.repeat(100_000), name: 'Big' },
    })
    expectProblem(res, 413, 'payload_too_large')
  })

  it('answers an unknown route with 404 problem+json', async () => {
    expectProblem(await api('GET', '/api/nothing-here'), 404, 'not_found')
  })

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await api('DELETE', '/api/auth/login')
    expectProblem(res, 405, 'method_not_allowed')
    expect(res.headers.get('allow')).toBe('POST')
  })

  it('stamps a request id on every response and echoes a sane incoming one', async () => {
    const fresh = await api('GET', '/api/nothing-here')
    expect(fresh.headers.get('x-request-id')).toMatch(/^req_/)
    expect(fresh.body.request_id).toBe(fresh.headers.get('x-request-id'))
    const echoed = await api('GET', '/api/nothing-here', { headers: { 'x-request-id': 'client-abc-123' } })
    expect(echoed.headers.get('x-request-id')).toBe('client-abc-123')
    const hostile = await api('GET', '/api/nothing-here', { headers: { 'x-request-id': '<script>' } })
    expect(hostile.headers.get('x-request-id')).toMatch(/^req_/)
  })

  it('sets security headers', async () => {
    const res = await api('GET', '/api/nothing-here')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('strict-transport-security')).toContain('max-age')
  })

  it('allows CORS only from configured origins', async () => {
    const allowed = await api('OPTIONS', '/api/me', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
    })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const denied = await api('OPTIONS', '/api/me', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    })
    expect(denied.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers CORS requests with the allowed origin and exposed headers; others vary on Origin only', async () => {
    const user = await createUser()
    const cross = await api('GET', '/api/me', {
      token: user.token,
      headers: { origin: 'http://localhost:5173' },
    })
    expect(cross.status).toBe(200)
    expect(cross.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(cross.headers.get('access-control-expose-headers')).toBe('X-Request-Id,Retry-After,X-D1-Bookmark')
    expect(cross.headers.get('vary')).toBe('Origin')
    const plain = await api('GET', '/api/me', { token: user.token })
    expect(plain.status).toBe(200)
    expect(plain.headers.get('access-control-allow-origin')).toBeNull()
    expect(plain.headers.get('vary')).toBe('Origin')
    expect(plain.headers.get('x-request-id')).toMatch(/^req_/)
  })

  it('keeps Vary and the request id on error answers, and answers OPTIONS without Origin as before', async () => {
    const refused = await api('GET', '/api/me')
    expectProblem(refused, 401, 'unauthorized')
    expect(refused.headers.get('vary')).toBe('Origin')
    expect(refused.headers.get('x-request-id')).toMatch(/^req_/)
    const options = await api('OPTIONS', '/api/me')
    expect(options.status).toBe(204)
    expect(options.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('API documentation', () => {
  it('has an OpenAPI 3.1 document with the bearer scheme and problem responses', async () => {
    const document = await openApiDocument()
    expect(document.openapi).toBe('3.1.0')
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(document.paths['/api/auth/register'].post.responses['400'].content).toHaveProperty(
      'application/problem+json',
    )
    expect(document.paths['/api/me'].get.security).toEqual([{ bearerAuth: [] }])
  })

  it('leaves /openapi.json to the static assets: the Worker has no such route', async () => {
    expectProblem(await api('GET', '/openapi.json'), 404, 'not_found')
  })

  it('serves the reference page with scripts from its own origin only (test/browser renders it)', async () => {
    const res = await api('GET', '/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.body).toContain('<script src="/docs/vendor/swagger-ui-bundle.js">')
    expect(res.body).not.toMatch(/https?:\/\//)
    const policy = res.headers.get('content-security-policy') ?? ''
    expect(policy).toContain("script-src 'self';")
    expect(policy).toContain("connect-src 'self';")
    expect(policy).not.toMatch(/https?:|unsafe-eval/)
  })
})

describe('problem bodies', () => {
  it('extension members never replace the standard members or our own code, request_id and errors', () => {
    const error = new ApiError('payment_failed', 'Your card was declined.', {
      errors: [{ path: 'body.x', message: 'real' }],
      // What the type forbids, as an untyped caller could still send it.
      extra: {
        type: 'https://evil.example',
        title: 'Nope',
        status: 'failed',
        detail: 'overwritten',
        instance: '/elsewhere',
        code: 'internal_error',
        request_id: 'req_forged',
        errors: [],
        decline_code: 'generic_decline',
      } as Record<string, unknown> as ProblemExtensions,
    })
    const body = problemBody(error, 'req_real')
    expect(body).toEqual({
      type: 'https://backline.dev/problems/payment-failed',
      title: 'Payment Required',
      status: 402,
      detail: 'Your card was declined.',
      code: 'payment_failed',
      request_id: 'req_real',
      errors: [{ path: 'body.x', message: 'real' }],
      decline_code: 'generic_decline',
    })
    expect(ProblemSchema.parse(body).status).toBe(402)
  })
})

describe('empty bodies', () => {
  it('treats an empty body sent as application/json as no body: an optional body is absent, a required one missing', async () => {
    const { createUser } = await import('../helpers/factories')
    const user = await createUser()
    const headers = { 'content-type': 'application/json', 'content-length': '0' }
    const refund = await api('POST', '/api/payments/pay_unknown00000000000/refund', {
      token: user.token,
      headers,
    })
    expectProblem(refund, 404, 'payment_not_found')
    const login = await api('POST', '/api/auth/login', { headers })
    expect(login.status).toBe(400)
    expect(login.headers.get('content-type')).toContain('application/problem+json')
  })
})

describe('a configuration error', () => {
  it('answers 500 with the request id only, and logs the cause with that request id', async () => {
    const { createExecutionContext, env } = await import('cloudflare:test')
    const { default: worker } = await import('../../src')
    const lines: string[] = []
    const original = console.error
    console.error = (line: string) => void lines.push(line)
    try {
      const response = await worker.fetch(
        new Request('https://backline.test/api/listings'),
        { ...env, JWT_SECRET: 'short' },
        createExecutionContext(),
      )
      const body = (await response.json()) as { request_id: string; detail: string }
      expect(response.status).toBe(500)
      expect(body.request_id).toMatch(/^req_/)
      expect(JSON.stringify(body)).not.toContain('JWT_SECRET')
      expect(lines.some((line) => line.includes(body.request_id) && line.includes('JWT_SECRET'))).toBe(true)
    } finally {
      console.error = original
    }
  })
})
