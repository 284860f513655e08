import type { EventRef, WebhookDeps, WebhookOutcome } from './event-support'
import { attemptOfIntent, refreshDepositIntent } from '../deposits/deposit-intents'

/**
 * An event about one of a deposit's PaymentIntents (its hold, a fresh hold, a claim's charge; a charge's
 * expiry or release): the intent is re-read from Stripe and applied by applyDepositIntent, the event recorded in
 * the same batch. Undefined when the intent is no deposit's (not found by its id, nor by its metadata).
 */
export async function depositIntentEvent(
  deps: WebhookDeps,
  intent: { id: string; metadata?: Record<string, string> | null },
  ref: EventRef,
): Promise<WebhookOutcome | undefined> {
  const attempt = await attemptOfIntent(deps, intent)
  if (!attempt) return undefined
  await refreshDepositIntent(deps, attempt, intent.id, 'webhook', ref)
  return 'applied'
}
