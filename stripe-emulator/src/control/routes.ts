import type Stripe from 'stripe'
import { findIntent, findObject } from '../api/lookup'
import { findSetupIntent } from '../api/setup-intents'
import { closeDispute, disputeCharge } from '../domain/disputes'
import { expireHolds } from '../domain/holds'
import { authenticateIntent, settleIntent } from '../domain/lifecycle'
import { settleRefund } from '../domain/refunds'
import { authenticateSetupIntent } from '../domain/setup-intents'
import { errorResponse, invalidRequest, resourceMissing, StripeApiError } from '../lib/errors'
import {
  type DeliveryStatus,
  type Endpoint,
  ENDPOINTS,
  getDelivery,
  listDeliveries,
  recordAttempt,
  requeue,
} from '../webhooks/outbox'
import { signatureHeader } from '../webhooks/signature'
import { matchPathParams } from '../lib/paths'
import { CONNECT_CONTROLS } from './connect'
import { addFault, clearFaults, type FaultInput, listFaults } from './faults'
import { type Body, type Control, type ControlHost, emulatorCtx, oneOf } from './types'

export type { ControlHost }

const outcomeOf = <T extends string>(body: Body, values: readonly T[]): T => oneOf(body, 'outcome', values)

/** Deliveries with the `Stripe-Signature` each would carry: Connect ones signed with the Connect secret. */
async function signed(host: ControlHost, status?: DeliveryStatus, endpoint?: string | null) {
  if (endpoint && !(ENDPOINTS as readonly string[]).includes(endpoint))
    throw invalidRequest(`endpoint must be one of ${ENDPOINTS.join(', ')}`, { param: 'endpoint' })
  const endpoints = endpoint ? [endpoint as Endpoint] : ENDPOINTS
  const deliveries = listDeliveries(host.store, status, endpoints)
  return Promise.all(
    deliveries.map(async (d) => {
      const secret = d.endpoint === 'connect' ? host.connectSecret : host.secret
      return { ...d, signature: await signatureHeader(d.payload, secret) }
    }),
  )
}

const configOf = (host: ControlHost) => ({
  webhook_url: host.webhookUrl(),
  connect_webhook_url: host.connectWebhookUrl(),
  auto_deliver: host.store.getConfig('auto_deliver') !== 'false',
})

const CONTROLS: [string, string, Control][] = [
  ['POST', '/_emulator/reset', ({ store }) => (store.reset(), { reset: true })],
  ['GET', '/_emulator/config', (host) => ({ ...configOf(host), now: host.store.now() })],
  [
    'POST',
    '/_emulator/config',
    (host, body) => {
      if ('webhook_url' in body)
        host.store.setConfig('webhook_url', body.webhook_url === null ? null : String(body.webhook_url))
      if ('connect_webhook_url' in body) {
        const url = body.connect_webhook_url
        host.store.setConfig('connect_webhook_url', url === null ? null : String(url))
      }
      if ('auto_deliver' in body) host.store.setConfig('auto_deliver', String(body.auto_deliver !== false))
      return configOf(host)
    },
  ],
  [
    'POST',
    '/_emulator/clock/advance',
    ({ store }, body) => {
      const seconds = Number(body.seconds)
      if (!Number.isInteger(seconds) || seconds < 0)
        throw invalidRequest('seconds must be a non-negative integer', { param: 'seconds' })
      store.setConfig('clock_offset', String(Number(store.getConfig('clock_offset') ?? 0) + seconds))
      // Holds whose capture_before is passed expire now, so their events are recorded (and delivered).
      expireHolds(store)
      return { now: store.now() }
    },
  ],
  ['GET', '/_emulator/faults', ({ store }) => ({ data: listFaults(store) })],
  ['POST', '/_emulator/faults', ({ store }, body) => addFault(store, body as unknown as FaultInput)],
  ['DELETE', '/_emulator/faults', ({ store }) => (clearFaults(store), { data: [] })],
  [
    'GET',
    '/_emulator/webhooks',
    async (host, _body, _id, url) => ({
      data: await signed(
        host,
        (url.searchParams.get('status') ?? undefined) as DeliveryStatus | undefined,
        url.searchParams.get('endpoint'),
      ),
    }),
  ],
  [
    'POST',
    '/_emulator/webhooks/deliver',
    async (host, body) => ({ data: await host.deliver(body.force === true) }),
  ],
  [
    'POST',
    '/_emulator/webhooks/:id/result',
    ({ store }, body, id) => {
      const ok = body.delivered === true
      const delivery = recordAttempt(store, id, {
        ok,
        http_status: typeof body.http_status === 'number' ? body.http_status : null,
      })
      if (!delivery) throw resourceMissing('delivery', id)
      return delivery
    },
  ],
  [
    'POST',
    '/_emulator/webhooks/:id/resend',
    ({ store }, _body, id) => requeue(store, id) ?? notFound('delivery', id),
  ],
  [
    'GET',
    '/_emulator/webhooks/:id',
    ({ store }, _body, id) => getDelivery(store, id) ?? notFound('delivery', id),
  ],
  [
    'POST',
    '/_emulator/payment_intents/:id/authenticate',
    ({ store }, body, id) => {
      const ctx = emulatorCtx(store, id)
      return authenticateIntent(ctx, findIntent(ctx, id), outcomeOf(body, ['succeed', 'fail'] as const))
    },
  ],
  [
    'POST',
    '/_emulator/setup_intents/:id/authenticate',
    ({ store }, body, id) => {
      const ctx = emulatorCtx(store, id)
      const outcome = outcomeOf(body, ['succeed', 'fail'] as const)
      return authenticateSetupIntent(ctx, findSetupIntent(ctx, id), outcome)
    },
  ],
  [
    'POST',
    '/_emulator/payment_intents/:id/settle',
    ({ store }, body, id) => {
      const ctx = emulatorCtx(store, id)
      return settleIntent(ctx, findIntent(ctx, id), outcomeOf(body, ['succeed', 'fail'] as const))
    },
  ],
  [
    'POST',
    '/_emulator/refunds/:id/settle',
    ({ store }, body, id) => {
      const ctx = emulatorCtx(store, id)
      const refund = findObject<Stripe.Refund>(ctx.store, 'refund', id)
      const outcome = outcomeOf(body, ['succeed', 'fail'] as const)
      const charge = findObject<Stripe.Charge>(ctx.store, 'charge', refund.charge as string, 'charge')
      return settleRefund(ctx, refund, charge, outcome)
    },
  ],
  [
    'POST',
    '/_emulator/charges/:id/dispute',
    ({ store }, _body, id) => {
      const ctx = emulatorCtx(store, id)
      return disputeCharge(ctx, findObject<Stripe.Charge>(ctx.store, 'charge', id, 'charge'))
    },
  ],
  [
    'POST',
    '/_emulator/disputes/:id/close',
    ({ store }, body, id) => {
      const ctx = emulatorCtx(store, id)
      const dispute = findObject<Stripe.Dispute>(ctx.store, 'dispute', id)
      return closeDispute(ctx, dispute, outcomeOf(body, ['won', 'lost'] as const))
    },
  ],
  ...CONNECT_CONTROLS,
]

function notFound(kind: string, id: string): never {
  throw resourceMissing(kind, id)
}

/** Emulator-only controls under `/_emulator/`: JSON in, JSON out, no API key (see stripe-emulator/README.md). */
export async function handleControl(host: ControlHost, request: Request): Promise<Response> {
  const url = new URL(request.url)
  try {
    for (const [method, pattern, control] of CONTROLS) {
      const params = method === request.method ? matchPathParams(pattern, url.pathname) : null
      if (params === null) continue
      const text = request.method === 'GET' ? '' : await request.text()
      const body: unknown = text ? JSON.parse(text) : {}
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw invalidRequest('Body must be a JSON object')
      return Response.json(await control(host, body as Body, params[0] ?? '', url, params[1] ?? ''))
    }
    throw invalidRequest(`Unknown emulator control (${request.method}: ${url.pathname})`, { status: 404 })
  } catch (error) {
    if (error instanceof StripeApiError) return errorResponse(error, new Headers())
    if (error instanceof SyntaxError) return errorResponse(invalidRequest('Body must be JSON'), new Headers())
    throw error
  }
}
