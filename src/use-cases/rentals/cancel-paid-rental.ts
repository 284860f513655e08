import { sql } from 'drizzle-orm'
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
  const { db } = services
  if (!payment || (payment.status !== 'completed' && payment.status !== 'partially_refunded')) {
    throw new ApiError(
      'rental_not_cancellable',
      `This rental's payment is ${payment?.status ?? 'missing'}; it cannot be cancelled now`,
    )
  }
  const byRenter = rental.renterId === user.id
  const clock = services.clock()
  const refundable = payment.amount - payment.amountRefunded
  const amount = byRenter
    ? quoteCancellation(
        rental.cancellationPolicy,
        startOfDay(rental.startDate, rental.timeZone),
        clock,
        refundable,
      ).refundAmount
    : refundable
  const now = nowIso(clock)
  const reason = byRenter ? 'cancelled_by_renter' : 'cancelled_by_owner'
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
    },
    now,
  )
  const reservation = reserveRefundAfter(
    db,
    { id: refundId, payment, amount, reason: 'requested_by_customer', actorId: user.id },
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
    ...(amount > 0 ? { reservation } : {}),
    touch,
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
    await settlePayoutOf(services, payment.id, 'api')
  } catch (error) {
    services.logger.warn('the refund of a cancelled rental was not sent; the cron will retry it', {
      refund_id: refund.id,
      payment_id: payment.id,
      error: String(error),
    })
  }
}
