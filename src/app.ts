import { getPath } from 'hono/utils/url'
import type { Bindings } from './env'
import type { Router } from './routes/openapi'

/** A group of routes: a module whose `mount` registers them on a router (src/routes/groups/). */
type Group = () => Promise<{ mount: (app: Router) => Router }>

const account: Group = () => import('./routes/groups/account')
const payments: Group = () => import('./routes/groups/payments')

/**
 * Which group of the JSON API answers a path, by its first segment under /api/. A group is loaded, and its
 * routes, validators and use cases built, at the isolate's first request for it, so start-up builds none of
 * them and a request builds only its own group (BENCHMARKS.md, Bundle size and start-up). src/routes/api.ts mounts the same
 * groups together for the OpenAPI document and the typed client; test/cross-cutting/route-groups.test.ts
 * proves that every operation there is reached through this table.
 */
export const API_GROUPS: Readonly<Record<string, Group>> = {
  auth: account,
  me: account,
  payments,
  refunds: payments,
  webhooks: () => import('./routes/groups/webhooks'),
  instruments: () => import('./routes/groups/instruments'),
  listings: () => import('./routes/groups/listings'),
  rentals: () => import('./routes/groups/rentals'),
  'damage-claims': () => import('./routes/groups/damage-claims'),
  admin: () => import('./routes/groups/admin'),
  payouts: () => import('./routes/groups/payouts'),
}

/**
 * The same for the pages outside /api/, by their first segment. (/openapi.json is a static asset that wrangler's
 * builds write: scripts/build-openapi.mjs.)
 */
const PAGE_GROUPS: Readonly<Record<string, Group>> = {
  dashboard: () => import('./routes/groups/dashboard'),
}

/** The group that answers `path` (decoded, as Hono matches routes: hono/utils/url getPath), if any. */
export function groupOf(path: string): Group | undefined {
  const [, first = '', second = ''] = path.split('/', 3)
  if (first === 'api') return Object.hasOwn(API_GROUPS, second) ? API_GROUPS[second] : undefined
  return Object.hasOwn(PAGE_GROUPS, first) ? PAGE_GROUPS[first] : undefined
}

type Fetch = (request: Request, env: Bindings, ctx: ExecutionContext) => Promise<Response>

/**
 * The Worker's fetch handler: each request goes to the router of its group, built at the group's first
 * request and kept for the isolate's life; a path no group answers goes to a router with none (404). A group
 * that fails to load answers a problem, as every error does, and is loaded again by the next request.
 * (`groupFor` is for tests.)
 */
export function createApp(groupFor = groupOf): { fetch: Fetch } {
  const routers = new Map<Group | undefined, Promise<Router>>()
  const routerFor = (group?: Group) => {
    let router = routers.get(group)
    if (!router) {
      router = Promise.all([import('./routes/router'), group?.()]).then(([{ buildRouter }, routes]) =>
        buildRouter(routes?.mount),
      )
      routers.set(group, router)
      // A group that failed to load is tried again by the next request rather than failing every one.
      router.catch(() => routers.delete(group))
    }
    return router
  }
  return {
    async fetch(request, env, ctx) {
      let router: Router
      try {
        router = await routerFor(groupFor(getPath(request)))
      } catch (error) {
        return loadFailed(error, request, env, ctx)
      }
      return router.fetch(request, env, ctx)
    },
  }
}

/**
 * The answer for a group whose router could not be built: its error goes through a router of no routes, so it
 * is answered as every error is (handleError: logged with its stack, a problem with the request id, security
 * and CORS headers). Only when that router cannot load either, a problem is made here.
 */
async function loadFailed(error: unknown, ...[request, env, ctx]: Parameters<Fetch>): Promise<Response> {
  try {
    const { buildRouter } = await import('./routes/router')
    const failing = buildRouter((app) => {
      app.all('*', () => {
        throw error
      })
      return app
    })
    return await failing.fetch(request, env, ctx)
  } catch {
    const [{ ApiError, problemResponse }, { newId }, { createLogger }] = await Promise.all([
      import('./lib/errors'),
      import('./lib/ids'),
      import('./lib/logger'),
    ])
    const requestId = newId('req')
    createLogger({ request_id: requestId }).error('routes failed to load', { error: String(error) })
    const response = problemResponse(
      new ApiError('internal_error', 'Unexpected error; quote the request id'),
      requestId,
    )
    response.headers.set('X-Request-Id', requestId)
    return response
  }
}
