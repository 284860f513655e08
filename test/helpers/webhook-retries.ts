import { postWebhook } from './payments'
import { markWebhook, webhookDeliveries } from './stripe-emulator'

/** Stripe retries a delivery that failed: re-posts every delivery whose last attempt was not a 2xx. */
export async function resendPendingFailures() {
  const statuses: number[] = []
  for (const delivery of await webhookDeliveries()) {
    if (delivery.status !== 'pending' || delivery.attempts === 0) continue
    const response = await postWebhook(delivery.payload, delivery.signature)
    await markWebhook(delivery.id, response.ok, response.status)
    statuses.push(response.status)
  }
  return statuses
}
