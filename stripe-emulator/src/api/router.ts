import { takeRequestFault, type Fault } from '../control/faults'
import { API_VERSION } from '../domain/events'
import { errorResponse, invalidRequest, StripeApiError } from '../lib/errors'
import { type Params, parseForm } from '../lib/form'
import { randomToken } from '../lib/ids'
import type { Store } from '../store/store'
import { accountInvalid, authenticate } from './auth'
import { expand } from './expand'
import { checkIdempotencyKey, fingerprint, remember, replay } from './idempotency'
import { matchRoute } from './routes'
import type { Site } from './types'

const DEFAULT_HANG_MS = 10_000

/**
 * The store of the connected account named by `Stripe-Account`, or the platform's without the header; an
 * unknown (or deleted) account is refused as Stripe refuses it.
 */
function scopeOf(platform: Store, request: Request, apiKey: string): Store {
  const account = request.headers.get('stripe-account')
  if (account === null) return platform
  if (!platform.get(account, 'account')) throw accountInvalid(apiKey, account)
  return platform.forAccount(account)
}

/** Serves `/v1/…` as Stripe does: auth, faults, idempotency, the handler, expansion, errors. */
export async function handleApi(platform: Store, request: Request, site: Site): Promise<Response> {
  const requestId = `req_${randomToken(14)}`
  const headers = new Headers({
    'request-id': requestId,
    'stripe-version': request.headers.get('stripe-version') ?? API_VERSION,
  })
  try {
    const url = new URL(request.url)
    const method = request.method.toUpperCase()
    const body = new TextDecoder().decode(await request.arrayBuffer())
    const apiKey = authenticate(request)
    const store = scopeOf(platform, request, apiKey)
    const params = parseForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : body)
    const fault = takeRequestFault(store, method, url.pathname)
    if (fault && fault.kind !== 'hang' && !fault.after) throwFault(fault)
    const idempotencyKey = method === 'POST' ? request.headers.get('idempotency-key') : null
    const response = idempotencyKey
      ? execIdempotent(
          store,
          { apiKey, idempotencyKey, method, path: url.pathname, params, requestId, site },
          headers,
        )
      : execute(store, { apiKey, method, path: url.pathname, params, requestId, idempotencyKey, site })
    if (fault?.kind === 'hang')
      await new Promise((resolve) => setTimeout(resolve, fault.hang_ms ?? DEFAULT_HANG_MS))
    if (fault && fault.kind !== 'hang' && fault.after) throwFault(fault)
    return new Response(response.body, { status: response.status, headers: jsonHeaders(headers) })
  } catch (error) {
    if (error instanceof StripeApiError) return errorResponse(error, jsonHeaders(headers))
    throw error
  }
}

const jsonHeaders = (headers: Headers) => {
  headers.set('content-type', 'application/json')
  return headers
}

interface Call {
  apiKey: string
  method: string
  path: string
  params: Params
  requestId: string
  idempotencyKey: string | null
  site: Site
}

function execute(store: Store, call: Call): { status: number; body: string; storable: boolean } {
  const route = matchRoute(call.method, call.path)
  if (!route) {
    throw invalidRequest(
      `Unrecognized request URL (${call.method}: ${call.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      { status: 404 },
    )
  }
  const ctx = { store, request: { id: call.requestId, idempotency_key: call.idempotencyKey } }
  try {
    const handled = route.handler({
      ctx,
      params: call.params,
      id: route.id,
      subId: route.subId,
      site: call.site,
      apiKey: call.apiKey,
    })
    const result = expand(store, handled, call.params)
    return { status: 200, body: JSON.stringify(result, null, 2), storable: true }
  } catch (error) {
    // A declined card is a result Stripe replays; a request that failed validation is not saved.
    if (!(error instanceof StripeApiError) || error.body.type !== 'card_error') throw error
    return { status: error.status, body: JSON.stringify({ error: error.body }, null, 2), storable: true }
  }
}

interface IdempotentCall extends Omit<Call, 'idempotencyKey'> {
  apiKey: string
  idempotencyKey: string
}

function execIdempotent(store: Store, call: IdempotentCall, headers: Headers) {
  headers.set('idempotency-key', call.idempotencyKey)
  checkIdempotencyKey(call.idempotencyKey)
  // Scoped by API key and account: the same key sent for two connected accounts is two requests.
  const key = `${call.apiKey}:${store.account ?? ''}:${call.idempotencyKey}`
  const request = fingerprint(call.method, call.path, call.params)
  const previous = replay(store, key, request, call.idempotencyKey)
  if (previous) {
    headers.set('idempotent-replayed', 'true')
    return previous
  }
  const response = execute(store, call)
  if (response.storable) remember(store, key, request, response)
  return response
}

function throwFault(fault: Fault): never {
  const retryHeader: Record<string, string> =
    fault.should_retry === undefined ? {} : { 'stripe-should-retry': String(fault.should_retry) }
  if (fault.kind === 'rate_limit_429') {
    throw new StripeApiError(
      429,
      {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message:
          'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
      },
      retryHeader,
    )
  }
  throw new StripeApiError(
    500,
    { type: 'api_error', message: 'An unknown error occurred (injected by the Stripe emulator).' },
    retryHeader,
  )
}
