import type { Actor } from '../../domain/access'
import { quoteCancellation, startOfDay } from '../../domain/cancellation-policies'
import { PAID_STATUSES } from '../../domain/state-machines'
import { ApiError } from '../../lib/errors'
import type { Services } from '../context'
import { rentalWithPayment } from './read-rentals'

/**
 * What cancelling this rental now would refund, under the policy and time zone copied onto it at booking:
 * the share of what is paid and not yet refunded, by which rule, until when. Renter and owner only.
 */
export async function quoteRentalCancellation(services: Services, user: Actor, rentalId: string) {
  const { rental, payment } = await rentalWithPayment(services, user, rentalId, 'quote')
  if (rental.status !== 'pending' && rental.status !== 'active') {
    throw new ApiError('rental_not_cancellable', `A ${rental.status} rental cannot be cancelled`)
  }
  const paid = payment && (PAID_STATUSES as readonly string[]).includes(payment.status)
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
