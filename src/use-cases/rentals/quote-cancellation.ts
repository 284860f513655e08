import { sql } from 'drizzle-orm'
import { runBatchNamed, selectRows } from '../../adapters/d1/client'
import { payments, rentals, type Payment, type Rental } from '../../adapters/d1/schema'
import { authorizeRental, type Actor } from '../../domain/access'
import { quoteCancellation, startOfDay } from '../../domain/cancellation-policies'
import { ApiError } from '../../lib/errors'
import type { Services } from '../context'
import { REFUNDABLE_STATUSES } from '../payments/refunds'

/**
 * What cancelling this rental now would refund, under the policy and time zone copied onto it at booking:
 * the share of what is paid and not yet refunded, by which rule, until when. Renter and owner only.
 */
export async function quoteRentalCancellation(services: Services, user: Actor, rentalId: string) {
  const { db } = services
  const read = await runBatchNamed(db, [], {
    rental: selectRows(db, rentals, sql`id = ${rentalId}`),
    payment: selectRows(db, payments, sql`rental_id = ${rentalId}`),
  })
  const rental = read.rental.results[0] as Rental | undefined
  authorizeRental(user, rental, 'quote')
  if (rental.status !== 'pending' && rental.status !== 'active') {
    throw new ApiError('rental_not_cancellable', `A ${rental.status} rental cannot be cancelled`)
  }
  const payment = read.payment.results[0] as Payment | undefined
  const paid = payment && (REFUNDABLE_STATUSES as readonly string[]).includes(payment.status)
  const refundable = paid ? payment.amount - payment.amountRefunded : 0
  const now = services.clock()
  const startsAt = startOfDay(rental.startDate, rental.timeZone)
  const quote = quoteCancellation(rental.cancellationPolicy, startsAt, now, refundable)
  return {
    rental_id: rental.id,
    cancellation_policy: rental.cancellationPolicy,
    time_zone: rental.timeZone,
    starts_at: startsAt.toISOString(),
    paid_amount: paid ? payment.amount : 0,
    refundable_amount: refundable,
    refund_percent: quote.refundPercent,
    refund_amount: quote.refundAmount,
    currency: rental.currency,
    rule: quote.rule,
    valid_until: quote.until?.toISOString() ?? null,
    quoted_at: now.toISOString(),
  }
}
