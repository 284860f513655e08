import * as z from '../../lib/zod'
import { lazySchema } from '../schemas'

export const Received = lazySchema(() =>
  z
    .object({
      received: z.literal(true),
      outcome: z.enum(['applied', 'duplicate', 'ignored', 'unknown_object']),
    })
    .openapi('WebhookReceived'),
)
