import * as z from '../../lib/zod'

export const Received = z
  .object({
    received: z.literal(true),
    outcome: z.enum(['applied', 'duplicate', 'ignored', 'unknown_object']),
  })
  .openapi('WebhookReceived')
