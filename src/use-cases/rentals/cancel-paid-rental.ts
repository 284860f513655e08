import { sql, type SQL } from 'drizzle-orm'
import { prepare, runBatchNamed, selectRows } from '../../adapters/d1/client'
import { cancelPaidStatements } from '../../adapters/d1/rental-statements'
import { refunds, rentals, type Payment, type Refund, type Rental } from '../../adapters/d1/schema'
import type { Actor } from '../../domain/access'
import { quoteCancellation, startOfDay } from '../../domain/cancellation-policies'
import { ApiError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'
import { reserveRefundAfter, sendRefund } from '../payments/refunds'
import { settlePayoutOf } from '../payouts/settle-after'

/**
 * A party cancels a paid (active) rental. The renter is refunded what the rental's cancellation policy gives
 * now (the quote, computed again here, never taken from the client); the owner's cancellation refunds all
 * that is left. The rental's cancellation, what it owes (refund_due) and the refund's reservation are one D1
 * batch, conditional on the payment being as the refund was computed from; only then is the refund sent to
 * Stripe. If Stripe cannot be reached, the reservation stays and the cron sends it: the rental stays cancelled.
 */
export async function cancelPaidRental(
  services: Services,
  user: Actor,
  rental: Rental,
  payment: Payment | undefined,
): Promise<Rental> {
  const paid = paidPayment(payment)
  const byRenter = rental.renterId === user.id
  const refundable = paid.amount - paid.amountRefunded
  const amount = byRenter ? policyRefund(rental, services.clock(), refundable) : refundable
  const reason = byRenter ? 'cancelled_by_renter' : 'cancelled_by_owner'
  return cancelPaidWith(services, user, rental, paid, { reason, amount })
}

/** The payment a paid rental is cancelled from: completed, or partially refunded. */
export function paidPayment(payment: Payment | undefined): Payment {
  if (!payment || (payment.status !== 'completed' && payment.status !== 'partially_refunded')) {
    throw new ApiError(
      'rental_not_cancellable',
      `This rental's payment is ${payment?.status ?? 'missing'}; it cannot be cancelled now`,
    )
  }
  return payment
}

/** What a renter's own cancellation at `now` refunds of `refundable` under the rental's policy. */
export const policyRefund = (rental: Rental, now: Date, refundable: number) =>
  quoteCancellation(rental.cancellationPolicy, startOfDay(rental.startDate, rental.timeZone), now, refundable)
    .refundAmount

export interface PaidCancellationTerms {
  reason: string
  /** What the renter is refunded now (minor units). */
  amount: number
  /** A further condition of the cancellation, in SQL of the rentals row. */
  when?: SQL
  /** Statements that go through only with the cancellation (they follow it in its batch). */
  also?: (now: string) => D1PreparedStatement[]
}

/** Cancels a paid rental on the terms given (see cancelPaidRental). */
export async function cancelPaidWith(
  services: Services,
  user: Actor,
  rental: Rental,
  payment: Payment,
  { reason, amount, when, also }: PaidCancellationTerms,
): Promise<Rental> {
  const { db } = services
  const now = nowIso(services.clock())
  const refundId = newId('ref')
  const [audit, update] = cancelPaidStatements(
    db,
    {
      id: rental.id,
      reason,
      actorId: user.id,
      refundDue: payment.amountRefunded + amount,
      paymentId: payment.id,
      refundedBefore: payment.amountRefunded,
      when,
    },
    now,
  )
  const [reservation, reservationAudit] = reserveRefundAfter(
    db,
    { id: refundId, payment, amount, reason: 'requested_by_customer', actorId: user.id, source: 'api' },
    now,
  )
  // The payment is touched as well (if the cancellation went through), so that the cron's look-back over recent
  // payments covers what the rental now owes.
  const touch = prepare(
    db,
    sql`UPDATE payments SET updated_at = ${now} WHERE id = ${payment.id}
      AND EXISTS (SELECT 1 FROM rentals WHERE id = ${rental.id} AND status = 'cancelled' AND cancelled_at = ${now})`,
  )
  const read = await runBatchNamed(db, [audit], {
    update,
    ...(amount > 0 ? { reservation, reservationAudit } : {}),
    touch,
    ...Object.fromEntries((also?.(now) ?? []).map((statement, i) => [`also${i}`, statement])),
    after: selectRows(db, rentals, sql`id = ${rental.id}`),
    refund: selectRows(db, refunds, sql`id = ${refundId}`),
  })
  if (read.update.meta.changes !== 1) {
    throw new ApiError(
      'rental_not_cancellable',
      'The rental or its payment changed meanwhile (a refund is on its way, or it was cancelled); retry',
    )
  }
  const refund = read.refund.results[0] as Refund | undefined
  if (refund) await sendReserved(services, payment, refund, user)
  return read.after.results[0] as Rental
}

/** An outage leaves the reservation for the cron to send; Stripe refusing it is logged (the owner can refund). */
async function sendReserved(
  services: Services,
  payment: Parameters<typeof sendRefund>[2],
  refund: Refund,
  user: Actor,
) {
  try {
    await sendRefund(services.db, services.stripe, payment, refund, { actorId: user.id, source: 'api' })
    await settlePayoutOf(services, { kind: 'rental', id: payment.id }, 'api')
  } catch (error) {
    services.logger.warn('the refund of a cancelled rental was not sent; the cron will retry it', {
      refund_id: refund.id,
      payment_id: payment.id,
      error: String(error),
    })
  }
}
