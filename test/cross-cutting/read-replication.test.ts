import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { api, CLIENT_ADDRESS, expectProblem } from '../helpers/api'
import { createListing, createUser, dateFromToday, type TestUser } from '../helpers/factories'
import { testEnv } from '../helpers/stripe-emulator'

/*
 * D1 read replication (docs/DEPLOYMENT.md, docs/INTEGRATION.md): each request runs in one D1 session and
 * answers with its bookmark in X-D1-Bookmark. GET requests start at the nearest replica at least as new as
 * the bookmark the client sends back; every other request, and the cron, start on the primary. Locally there
 * is only the primary, so these tests check what reaches D1: the constraint each request opens its session
 * with, and the bookmarks, which D1 orders as strings (a session resumed from a bookmark is never before it).
 */

const BOOKMARK = /^[0-9a-f]+(-[0-9a-f]+)*$/

/** The test env with a D1 binding that records what each session is opened with. */
function recordingEnv() {
  const opened: (string | undefined)[] = []
  const DB = new Proxy(testEnv.DB, {
    get(target, key) {
      if (key === 'withSession') {
        return (constraintOrBookmark?: string) => {
          opened.push(constraintOrBookmark)
          return target.withSession(constraintOrBookmark)
        }
      }
      const value = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { env: { ...testEnv, DB }, opened }
}

async function call(
  env: typeof testEnv,
  method: string,
  path: string,
  { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const request = new Request(`https://backline.test${path}`, {
    method,
    headers: {
      'cf-connecting-ip': CLIENT_ADDRESS,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return worker.fetch(request, env, createExecutionContext())
}

let owner: TestUser
let renter: TestUser

beforeAll(async () => {
  owner = await createUser()
  renter = await createUser()
})

describe('read replication: every answer that read D1 carries its session bookmark', () => {
  it('a GET answers with a bookmark in X-D1-Bookmark', async () => {
    const response = await api('GET', '/api/me', { token: renter.token })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-d1-bookmark')).toMatch(BOOKMARK)
  })

  it('a GET sent with the bookmark of a POST reads what the POST wrote, in a session resumed from it', async () => {
    const listing = await createListing(owner)
    const { env, opened } = recordingEnv()
    const created = await call(env, 'POST', '/api/rentals', {
      token: renter.token,
      body: { listing_id: listing.id, start_date: dateFromToday(20), end_date: dateFromToday(22) },
    })
    expect(created.status).toBe(201)
    const rental = (await created.json()) as { id: string }
    const written = created.headers.get('x-d1-bookmark')!
    expect(written).toMatch(BOOKMARK)

    const read = await call(env, 'GET', `/api/rentals/${rental.id}`, {
      token: renter.token,
      headers: { 'x-d1-bookmark': written },
    })
    expect(read.status).toBe(200)
    expect(((await read.json()) as { id: string }).id).toBe(rental.id)
    expect(opened).toEqual(['first-primary', written])
    expect(read.headers.get('x-d1-bookmark')! >= written).toBe(true)
  })

  it('a GET without a bookmark may start at any replica; writes, webhooks and the cron start on the primary', async () => {
    const { env, opened } = recordingEnv()
    expect((await call(env, 'GET', '/api/listings')).status).toBe(200)
    expect(
      (await call(env, 'POST', '/api/listings/lst_missing0000000000/activate', { token: owner.token }))
        .status,
    ).toBe(404)
    expect(
      (
        await call(env, 'POST', '/api/webhooks/stripe', {
          body: {},
          headers: { 'stripe-signature': 't=1,v1=00' },
        })
      ).status,
    ).toBe(400)
    expect(opened).toEqual(['first-unconstrained', 'first-primary'])

    // The webhook was refused before any query: no session, no bookmark. The cron uses the binding itself.
    const ctx = createExecutionContext()
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: '*/5 * * * *' }),
      env,
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(opened).toEqual(['first-unconstrained', 'first-primary'])
  })

  it('a request that runs no query opens no session and sends no bookmark', async () => {
    const { env, opened } = recordingEnv()
    const response = await call(env, 'GET', '/docs', {
      headers: { 'x-d1-bookmark': 'not a bookmark' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-d1-bookmark')).toBeNull()
    expect(opened).toEqual([])
  })
})

describe('read replication: a malformed bookmark', () => {
  for (const [name, bookmark] of [
    ['text', 'not-a-bookmark'],
    ['a constraint instead of a bookmark', 'first-primary'],
    ['far too long', 'a'.repeat(129)],
    ['markup', '<script>'],
  ] as const) {
    it(`is 400 invalid_bookmark, never sent back (${name})`, async () => {
      for (const method of ['GET', 'POST'] as const) {
        const response = await api(method, method === 'GET' ? '/api/me' : '/api/rentals', {
          token: renter.token,
          headers: { 'x-d1-bookmark': bookmark, origin: 'http://localhost:5173' },
          ...(method === 'POST'
            ? {
                body: {
                  listing_id: 'lst_missing',
                  start_date: dateFromToday(30),
                  end_date: dateFromToday(31),
                },
              }
            : {}),
        })
        expectProblem(response, 400, 'invalid_bookmark')
        expect(response.headers.get('x-d1-bookmark')).toBeNull()
        // The browser that sent it can read the problem: the answer has its CORS headers.
        expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
      }
    })
  }
})

describe('read replication: CORS', () => {
  it('a browser may send X-D1-Bookmark and read it back', async () => {
    const preflight = await api('OPTIONS', '/api/rentals', {
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, x-d1-bookmark',
      },
    })
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-d1-bookmark')
    const response = await api('GET', '/api/me', {
      token: renter.token,
      headers: { origin: 'http://localhost:5173' },
    })
    expect(response.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-d1-bookmark')
    expect(response.headers.get('x-d1-bookmark')).toMatch(BOOKMARK)
  })
})
