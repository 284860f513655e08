import { env } from 'cloudflare:test'
import type { FaultInput } from '../../stripe-emulator/src/control/faults'
import type { Delivery } from '../../stripe-emulator/src/webhooks/outbox'
import { NAMESPACE_HEADER } from '../../stripe-emulator/src/lib/namespace'

/** Typed helpers for the Stripe emulator's `/_emulator/` controls (documented in stripe-emulator/README.md). */

const shared = (env as unknown as { STRIPE_EMULATOR: Fetcher }).STRIPE_EMULATOR

/**
 * This test file's own emulated Stripe account (each file loads its own copy of this module): files run in
 * parallel without seeing each other's intents, faults or webhooks.
 */
export const EMULATOR_NAMESPACE = `test-${crypto.randomUUID()}`

/** The emulator binding, every request of it in this file's namespace. */
export const stripeEmulator = {
  fetch(input: RequestInfo | URL, init?: RequestInit) {
    const request = new Request(input, init)
    request.headers.set(NAMESPACE_HEADER, EMULATOR_NAMESPACE)
    return shared.fetch(request)
  },
  connect: shared.connect.bind(shared),
} as Fetcher

/** The Worker's env for this file: the same bindings, with Stripe calls going to this file's namespace. */
export let testEnv: Cloudflare.Env = { ...env, STRIPE_EMULATOR: stripeEmulator }

/**
 * Runs this file's Worker (api, services, the cron) with other settings from now on, as [vars] would set them:
 * e.g. `useSettings({ OWNER_PAYOUTS: 'off' })` in a file that creates listings for owners without a payout
 * account and does not care about payouts.
 */
export function useSettings(settings: Record<string, string>) {
  testEnv = { ...testEnv, ...settings }
}

/** A delivery as the emulator lists it, with the Stripe-Signature header it would send. */
export type WebhookDelivery = Delivery & { signature: string }

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await stripeEmulator.fetch(`https://stripe-emulator/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await response.json()
  if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  return json as T
}

export const resetEmulator = () => control<{ reset: true }>('POST', 'reset', {})

export const injectFault = (fault: FaultInput) =>
  control<FaultInput & { id: number; remaining: number }>('POST', 'faults', fault)

export const clearFaults = () => control('DELETE', 'faults')

export const webhookDeliveries = async (status?: WebhookDelivery['status']) =>
  (await control<{ data: WebhookDelivery[] }>('GET', `webhooks${status ? `?status=${status}` : ''}`)).data

/** Deliveries not yet acknowledged, oldest first, each with its exact body and a fresh `Stripe-Signature`. */
export const pendingWebhooks = () => webhookDeliveries('pending')

export const markWebhook = (id: string, delivered: boolean, httpStatus?: number) =>
  control<WebhookDelivery>('POST', `webhooks/${id}/result`, { delivered, http_status: httpStatus })

export const resendWebhook = (id: string) => control<WebhookDelivery>('POST', `webhooks/${id}/resend`, {})

/** POSTs every pending delivery through `post` (e.g. to the API's webhook route), recording each result. */
export async function deliverPendingWebhooks(
  post: (payload: string, signature: string, delivery: WebhookDelivery) => Promise<Response>,
) {
  const responses: Response[] = []
  for (const delivery of await pendingWebhooks()) {
    const response = await post(delivery.payload, delivery.signature, delivery)
    await markWebhook(delivery.id, response.ok, response.status)
    responses.push(response)
  }
  return responses
}

/** Stands in for the customer in 3-D Secure (pm_card_authenticationRequired). */
export const authenticate = (paymentIntentId: string, outcome: 'succeed' | 'fail') =>
  control<{ id: string; status: string }>('POST', `payment_intents/${paymentIntentId}/authenticate`, {
    outcome,
  })

/** Ends the processing state left by the emulator-only pm_emulator_processing. */
export const settle = (paymentIntentId: string, outcome: 'succeed' | 'fail') =>
  control<{ id: string; status: string }>('POST', `payment_intents/${paymentIntentId}/settle`, { outcome })

/** Ends a pending refund (pm_card_pendingRefund): `succeed` → succeeded, `fail` → failed. */
export const settleRefund = (refundId: string, outcome: 'succeed' | 'fail') =>
  control<{ id: string; status: string }>('POST', `refunds/${refundId}/settle`, { outcome })

export const closeDispute = (disputeId: string, outcome: 'won' | 'lost') =>
  control<{ id: string; status: string }>('POST', `disputes/${disputeId}/close`, { outcome })

export const advanceClock = (seconds: number) =>
  control<{ now: number }>('POST', 'clock/advance', { seconds })

export const configureEmulator = (config: { webhook_url?: string | null; auto_deliver?: boolean }) =>
  control<{ webhook_url: string | null; auto_deliver: boolean }>('POST', 'config', config)

/** Pushes due (or, with force, all pending) deliveries to the configured webhook URL now. */
export const pushWebhooks = async (force = false) =>
  (await control<{ data: WebhookDelivery[] }>('POST', 'webhooks/deliver', { force })).data

/** The cardholder disputes a captured charge (any card, at any time after capture) → `charge.dispute.created`. */
export const disputeCharge = (chargeId: string) =>
  control<{ id: string; status: string; amount: number }>('POST', `charges/${chargeId}/dispute`, {})
