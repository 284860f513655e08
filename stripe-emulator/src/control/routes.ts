import type Stripe from 'stripe'
import { findIntent, findObject } from '../api/lookup'
import type { Ctx } from '../domain/context'
import { closeDispute } from '../domain/disputes'
import { authenticateIntent, settleIntent } from '../domain/lifecycle'
import { settleRefund } from '../domain/refunds'
import { errorResponse, invalidRequest, resourceMissing, StripeApiError } from '../lib/errors'
import type { Store } from '../store/store'
import { type DeliveryStatus, getDelivery, listDeliveries, recordAttempt, requeue } from '../webhooks/outbox'
import { signatureHeader } from '../webhooks/signature'
import { matchPath } from '../lib/paths'
import { addFault, clearFaults, type FaultInput, listFaults } from './faults'

/** What the control endpoints need from the Durable Object. */
export interface ControlHost {
  store: Store
  secret: string
  deliver(force: boolean): Promise<unknown>
  webhookUrl(): string | null
}

type Body = Record<string, unknown>
type Control = (host: ControlHost, body: Body, id: string, url: URL) => unknown

const outcomeOf = <T extends string>(body: Body, values: readonly T[]): T => {
  if (!values.includes(body.outcome as T))
    throw invalidRequest(`outcome must be one of ${values.join(', ')}`, { param: 'outcome' })
  return body.outcome as T
}

const emulatorCtx = (store: Store): Ctx => ({ store, request: { id: null, idempotency_key: null } })

async function signed(host: ControlHost, status?: DeliveryStatus) {
  const deliveries = listDeliveries(host.store, status)
  return Promise.all(
    deliveries.map(async (d) => ({ ...d, signature: await signatureHeader(d.payload, host.secret) })),
  )
}

const CONTROLS: [string, string, Control][] = [
  ['POST', '/_emulator/reset', ({ store }) => (store.reset(), { reset: true })],
  [
    'GET',
    '/_emulator/config',
    (host) => ({
      webhook_url: host.webhookUrl(),
      auto_deliver: host.store.getConfig('auto_deliver') !== 'false',
      now: host.store.now(),
    }),
  ],
  [
    'POST',
    '/_emulator/config',
    (host, body) => {
      if ('webhook_url' in body)
        host.store.setConfig('webhook_url', body.webhook_url === null ? null : String(body.webhook_url))
      if ('auto_deliver' in body) host.store.setConfig('auto_deliver', String(body.auto_deliver !== false))
      return {
        webhook_url: host.webhookUrl(),
        auto_deliver: host.store.getConfig('auto_deliver') !== 'false',
      }
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
      data: await signed(host, (url.searchParams.get('status') ?? undefined) as DeliveryStatus | undefined),
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
      const ctx = emulatorCtx(store)
      return authenticateIntent(ctx, findIntent(ctx, id), outcomeOf(body, ['succeed', 'fail'] as const))
    },
  ],
  [
    'POST',
    '/_emulator/payment_intents/:id/settle',
    ({ store }, body, id) => {
      const ctx = emulatorCtx(store)
      return settleIntent(ctx, findIntent(ctx, id), outcomeOf(body, ['succeed', 'fail'] as const))
    },
  ],
  [
    'POST',
    '/_emulator/refunds/:id/settle',
    ({ store }, body, id) => {
      const refund = findObject<Stripe.Refund>(store, 'refund', id)
      const outcome = outcomeOf(body, ['succeed', 'fail'] as const)
      const charge = findObject<Stripe.Charge>(store, 'charge', refund.charge as string, 'charge')
      return settleRefund(emulatorCtx(store), refund, charge, outcome)
    },
  ],
  [
    'POST',
    '/_emulator/disputes/:id/close',
    ({ store }, body, id) => {
      const dispute = findObject<Stripe.Dispute>(store, 'dispute', id)
      return closeDispute(emulatorCtx(store), dispute, outcomeOf(body, ['won', 'lost'] as const))
    },
  ],
]

function notFound(kind: string, id: string): never {
  throw resourceMissing(kind, id)
}

/** Emulator-only controls under `/_emulator/`: JSON in, JSON out, no API key (see stripe-emulator/README.md). */
export async function handleControl(host: ControlHost, request: Request): Promise<Response> {
  const url = new URL(request.url)
  try {
    for (const [method, pattern, control] of CONTROLS) {
      const id = method === request.method ? matchPath(pattern, url.pathname) : null
      if (id === null) continue
      const text = request.method === 'GET' ? '' : await request.text()
      const body: unknown = text ? JSON.parse(text) : {}
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw invalidRequest('Body must be a JSON object')
      return Response.json(await control(host, body as Body, id, url))
    }
    throw invalidRequest(`Unknown emulator control (${request.method}: ${url.pathname})`, { status: 404 })
  } catch (error) {
    if (error instanceof StripeApiError) return errorResponse(error, new Headers())
    if (error instanceof SyntaxError) return errorResponse(invalidRequest('Body must be JSON'), new Headers())
    throw error
  }
}
