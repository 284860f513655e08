import { createRoute } from '@hono/zod-openapi'
import { problemResponses } from '../error-responses'
import { jsonContent } from '../schemas'
import { Received } from './webhooks.schemas'
import { createRouter } from '../openapi'
import type { AppRouteHandler } from '../route-handler'
import { handleEvent, verifyEvent } from '../../use-cases/stripe-events/handle-event'

// No request schema on purpose: the signature is checked on the raw body, which a validator would re-serialise.
const stripeWebhook = createRoute({
  tags: ['webhooks'],
  method: 'post',
  path: '/stripe',
  summary: 'Stripe webhook endpoint (signed with STRIPE_WEBHOOK_SECRET); register it in the Stripe dashboard',
  responses: {
    200: {
      description: 'Event received (applied, duplicate, ignored or for an unknown object)',
      ...jsonContent(Received),
    },
    ...problemResponses(['invalid_signature', 'payload_too_large', 'unsupported_media_type']),
  },
})

const receive: AppRouteHandler<typeof stripeWebhook> = async (c) => {
  const raw = await c.req.text()
  const event = await verifyEvent(
    c.var.services.stripe,
    raw,
    c.req.header('stripe-signature'),
    c.var.settings.STRIPE_WEBHOOK_SECRET,
  )
  const outcome = await handleEvent(c.var.services, event)
  c.var.logger.info('stripe event', { event_id: event.id, event_type: event.type, outcome })
  return c.json({ received: true as const, outcome }, 200)
}

export const webhookRoutes = createRouter().openapi(stripeWebhook, receive)
