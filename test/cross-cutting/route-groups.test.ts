import { describe, expect, it } from 'vitest'
import { createExecutionContext } from 'cloudflare:test'
import { API_GROUPS, createApp, groupOf } from '../../src/app'
import { createRouter } from '../../src/routes/openapi'
import { api, expectProblem, openApiDocument } from '../helpers/api'
import { testEnv } from '../helpers/stripe-emulator'

/*
 * Requests reach the routes through their group (src/app.ts, API_GROUPS), built at the group's first request;
 * the OpenAPI document and the typed client see the API whole (src/routes/api.ts). The two must hold the same
 * routes: every operation of the document is answered by the group its path selects.
 */

const honoPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ':$1')

describe('route groups', () => {
  it('answer every operation of the OpenAPI document from the group its path selects', async () => {
    const document = await openApiDocument()
    const operations = Object.entries(document.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    )
    expect(operations.length).toBeGreaterThan(40)
    const unreached = []
    for (const { method, path } of operations) {
      const group = groupOf(path)
      const routes = group ? (await group()).mount(createRouter()).routes : []
      if (!routes.some((route) => route.method === method && route.path === honoPath(path)))
        unreached.push(`${method} ${path}`)
    }
    expect(unreached).toEqual([])
  })

  it('each group holds only routes under the paths that select it', async () => {
    for (const [segment, group] of Object.entries(API_GROUPS)) {
      const { routes } = (await group()).mount(createRouter())
      const paths = routes.map((route) => route.path).filter((path) => path !== '/*')
      expect(paths.length, segment).toBeGreaterThan(0)
      for (const path of paths) expect(API_GROUPS[path.split('/')[2]!], path).toBe(group)
    }
  })

  it('selects the group by the decoded path, as the router matches it', async () => {
    expectProblem(await api('GET', '/api/%70ayments'), 401, 'unauthorized')
    expectProblem(await api('GET', '/api/me%2Fstats'), 404, 'not_found')
  })

  it('answers a path no group holds with 404 not_found, as any unknown path', async () => {
    expect(groupOf('/api/constructor')).toBeUndefined()
    expect(groupOf('/nowhere')).toBeUndefined()
    for (const path of ['/api/nowhere', '/api/constructor', '/nowhere', '/'])
      expectProblem(await api('GET', path), 404, 'not_found')
  })

  it('answers a problem when a group fails to load, and loads it again at the next request', async () => {
    let loads = 0
    const failing = async () => {
      loads++
      throw new Error('a module failed to evaluate')
    }
    const app = createApp(() => failing)
    for (const attempt of [1, 2]) {
      const response = await app.fetch(
        new Request('https://backline.test/api/payments', {
          headers: { origin: 'http://localhost:5173', 'x-request-id': `req-client-${attempt}` },
        }),
        testEnv,
        createExecutionContext(),
      )
      expect(response.status).toBe(500)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      const body = await response.json<{ code: string; request_id: string }>()
      expect(body.code).toBe('internal_error')
      expect(JSON.stringify(body)).not.toContain('a module failed')
      // Answered as every error is: the client's request id, CORS for a configured origin, security headers.
      expect(body.request_id).toBe(`req-client-${attempt}`)
      expect(response.headers.get('x-request-id')).toBe(body.request_id)
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(loads).toBe(attempt)
    }
  })
})
