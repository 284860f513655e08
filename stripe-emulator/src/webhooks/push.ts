import type { Store } from '../store/store'
import { type Delivery, dueDeliveries, type Endpoint, recordAttempt } from './outbox'
import { signatureHeader } from './signature'

export interface PushTarget {
  url: string
  secret: string
}

/** The URL and secret of each endpoint that has a URL: the platform's and the Connect one. */
export type PushTargets = Partial<Record<Endpoint, PushTarget>>

const TIMEOUT_MS = 10_000

/** POSTs every due delivery, in order, to its endpoint, the way Stripe does; records each attempt. */
export async function pushDue(store: Store, targets: PushTargets, force = false): Promise<Delivery[]> {
  const results: Delivery[] = []
  const endpoints = (Object.keys(targets) as Endpoint[]).filter((endpoint) => targets[endpoint])
  for (const delivery of dueDeliveries(store, force, endpoints)) {
    const target = targets[delivery.endpoint]
    if (!target) continue
    const attempt = await send(delivery.payload, target)
    const updated = recordAttempt(store, delivery.id, attempt)
    if (updated) results.push(updated)
  }
  return results
}

async function send(payload: string, target: PushTarget) {
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': await signatureHeader(payload, target.secret),
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
      body: payload,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    await response.body?.cancel()
    return { ok: response.ok, http_status: response.status }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}
