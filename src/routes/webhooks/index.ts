import { createRoute } from '@hono/zod-openapi'
import { problemResponses } from '../error-responses'
import { jsonContent } from '../schemas'
import { Received } from './webhooks.schemas'
import { createRouter } from '../openapi'
import type { AppRouteHandler } from '../route-handler'
import type { Context } from 'hono'
import type { AppEnv } from '../../app-env'
import { handleConnectEvent, handleEvent, verifyEvent } from '../../use-cases/stripe-events/handle-event'

// No request schema on purpose: the signature is checked on the raw body, which a validator would re-serialise.
const webhookRoute = (path: string, summary: string) =>
  createRoute({
    tags: ['webhooks'],
    method: 'post',
    path,
    summary,
    responses: {
      200: {
        description: 'Event received (applied, duplicate, ignored or for an unknown object)',
        ...jsonContent(Received),
      },
      ...problemResponses(['invalid_signature', 'payload_too_large', 'unsupported_media_type']),
    },
  })

const stripeWebhook = webhookRoute(
  '/stripe',
  'Stripe webhook endpoint (signed with STRIPE_WEBHOOK_SECRET); register it in the Stripe dashboard',
)

const connectWebhook = webhookRoute(
  '/stripe-connect',
  "Stripe Connect webhook endpoint: connected accounts' events (signed with STRIPE_CONNECT_WEBHOOK_SECRET)",
)

/** Verifies the raw body with `secret` and applies the event once; one log line per event. */
async function receive(c: Context<AppEnv>, secret: string | undefined, handle: typeof handleEvent) {
  const raw = await c.req.text()
  // Without its secret (OWNER_PAYOUTS off) the Connect endpoint verifies nothing, so accepts nothing.
  const event = await verifyEvent(c.var.services.stripe, raw, c.req.header('stripe-signature'), secret ?? '')
  const outcome = await handle(c.var.services, event)
  c.var.logger.info('stripe event', { event_id: event.id, event_type: event.type, outcome })
  return c.json({ received: true as const, outcome }, 200)
}

const platform: AppRouteHandler<typeof stripeWebhook> = (c) =>
  receive(c, c.var.settings.STRIPE_WEBHOOK_SECRET, handleEvent)

const connect: AppRouteHandler<typeof connectWebhook> = (c) =>
  receive(c, c.var.settings.STRIPE_CONNECT_WEBHOOK_SECRET, handleConnectEvent)

export const webhookRoutes = createRouter().openapi(stripeWebhook, platform).openapi(connectWebhook, connect)
