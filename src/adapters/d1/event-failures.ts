import { inArray, sql } from 'drizzle-orm'
import type { Database } from './client'
import { stripeEventFailures } from './schema'
import type { Logger } from '../../lib/logger'
import { nowIso } from '../../lib/time'

/**
 * Tries of one Stripe event (webhook deliveries and cron replays together) after which the cron's replay gives
 * it up: a poison event (one whose handling keeps throwing) then costs no more Stripe calls, and the run goes
 * on with the others. Documented in README.md (Background work).
 */
export const MAX_EVENT_ATTEMPTS = 5

/** last_error keeps the start of the error's message only: never a stack, a request or a payload. */
const MAX_ERROR_LENGTH = 500

/** What of an error may be stored and logged: its message, truncated. */
export const errorMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH)

/**
 * Records one failed try of an event, in one upsert (attempts + 1 on a known event), and logs it: a warning,
 * or an error on the try that gives it up. Returns the event's attempts so far.
 */
export async function recordEventFailure(
  deps: { db: Database; logger: Logger },
  event: { id: string; type: string },
  error: unknown,
  now = nowIso(),
): Promise<number> {
  const lastError = errorMessage(error)
  const [row] = await deps.db
    .insert(stripeEventFailures)
    .values({
      eventId: event.id,
      type: event.type,
      attempts: 1,
      lastError,
      firstFailedAt: now,
      lastFailedAt: now,
    })
    .onConflictDoUpdate({
      target: stripeEventFailures.eventId,
      set: { attempts: sql`${stripeEventFailures.attempts} + 1`, lastError, lastFailedAt: now },
    })
    .returning({ attempts: stripeEventFailures.attempts })
  const attempts = row?.attempts ?? 1
  const fields = { event_id: event.id, event_type: event.type, attempts, error: lastError }
  if (attempts === MAX_EVENT_ATTEMPTS) {
    deps.logger.error(
      `stripe event failed ${attempts} times: given up, the cron no longer replays it (stripe_event_failures)`,
      fields,
    )
  } else {
    deps.logger.warn('stripe event failed', fields)
  }
  return attempts
}

/** The events among `ids` (at most 100: one D1 query's parameters) that have been given up. */
export async function givenUpEvents(db: Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .select({ id: stripeEventFailures.eventId, attempts: stripeEventFailures.attempts })
    .from(stripeEventFailures)
    .where(inArray(stripeEventFailures.eventId, ids))
  return new Set(rows.filter((row) => row.attempts >= MAX_EVENT_ATTEMPTS).map((row) => row.id))
}
