import { sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { intentOutcome } from '../../domain/intent-outcome'
import { issueReceiptStatement } from './documents'
import { prepare, runBatchNamed, selectRows, type Database } from './client'
import { payments, rentals } from './schema'
import { nowIso } from '../../lib/time'
import {
  activateRentalStatements,
  movePaymentStatements,
  recordEventStatement,
  type TransitionSource,
} from './payment-statements'
import { deposits, type Deposit, type Payment, type Rental } from './schema'
import { schedulePayoutStatements, type NewPayout } from './payout-statements'
import { createDepositStatements, type NewDeposit } from './deposit-statements'

export interface ApplyIntent {
  payment: Payment
  intent: Stripe.PaymentIntent
  source: TransitionSource
  actorId?: string | null
  /** When the intent came with a webhook event: recorded in the same batch, so the event applies once. */
  event?: { id: string; type: string }
  /** The owner's payout, scheduled in the batch that completes the payment (none: owners are paid otherwise). */
  payout?: Pick<NewPayout, 'id' | 'scheduledFor' | 'policy'>
  /** The rental's deposit, created in the batch that completes the payment (none: the rental has no deposit). */
  deposit?: Omit<NewDeposit, 'paymentId' | 'rentalId' | 'source' | 'now'>
  /** The time the rows are stamped with (default: now), the one the payout's due time was reckoned from. */
  now?: string
}

/**
 * Applies what Stripe says about a PaymentIntent to the payment and its rental, in one D1 batch. Whoever
 * reports first (confirm, webhook, reconciler) makes the transition; repeats and stale reports change
 * nothing because every statement is conditional on the current status. Returns both rows as stored after.
 */
export async function applyIntent(
  db: Database,
  change: ApplyIntent,
): Promise<{ payment: Payment; rental?: Rental; deposit?: Deposit }> {
  const now = change.now ?? nowIso()
  const outcome = intentOutcome(change.intent)
  const move = { paymentId: change.payment.id, intentId: change.intent.id, source: change.source, now }
  const statements: D1PreparedStatement[] = []
  if (change.event) {
    statements.push(recordEventStatement(db, { ...change.event, objectId: change.intent.id }, now))
  }
  if (outcome?.to === 'completed') {
    statements.push(
      ...movePaymentStatements(db, {
        ...move,
        to: 'completed',
        actorId: change.actorId,
        set: sql`stripe_charge_id = ${outcome.chargeId}, completed_at = ${now}, failure_code = NULL, failure_message = NULL`,
      }),
      ...activateRentalStatements(db, change.payment.rentalId, change.source, now),
      issueReceiptStatement(db, change.payment.id, now),
      ...(change.payout
        ? schedulePayoutStatements(db, {
            ...change.payout,
            paymentId: change.payment.id,
            source: change.source,
            now,
          })
        : []),
      ...(change.deposit
        ? createDepositStatements(db, {
            ...change.deposit,
            paymentId: change.payment.id,
            rentalId: change.payment.rentalId,
            source: change.source,
            now,
          })
        : []),
    )
  } else if (outcome?.to === 'processing') {
    statements.push(
      ...movePaymentStatements(db, { ...move, to: 'processing', set: sql`failure_code = NULL` }),
    )
  } else if (outcome?.to === 'failed') {
    const failure = sql`failure_code = ${outcome.code}, failure_message = ${outcome.message}`
    statements.push(
      // Already failed (declined before, now canceled): no move, but the intent's latest failure is kept, and
      // a canceled intent is how a hold knows its card can no longer be charged (rental-statements.ts).
      prepare(
        db,
        sql`UPDATE payments SET ${failure}, updated_at = ${now} WHERE id = ${change.payment.id}
        AND stripe_payment_intent_id = ${change.intent.id} AND status = 'failed' AND failure_code IS NOT ${outcome.code}`,
      ),
      ...movePaymentStatements(db, { ...move, to: 'failed', detail: outcome.code, set: failure }),
    )
  }
  const read = await runBatchNamed(db, statements, {
    payment: selectRows(db, payments, sql`id = ${change.payment.id}`),
    rental: selectRows(db, rentals, sql`id = ${change.payment.rentalId}`),
    deposit: selectRows(db, deposits, sql`rental_id = ${change.payment.rentalId}`),
  })
  return {
    payment: (read.payment.results[0] as Payment | undefined) ?? change.payment,
    rental: read.rental.results[0] as Rental | undefined,
    deposit: read.deposit.results[0] as Deposit | undefined,
  }
}
