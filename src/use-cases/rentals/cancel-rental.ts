import { sql } from 'drizzle-orm'
import { runBatchNamed, selectRows } from '../../adapters/d1/client'
import { cancelStatements } from '../../adapters/d1/rental-statements'
import { rentals, type Payment, type Rental } from '../../adapters/d1/schema'
import { intentMayBePaid } from '../../domain/intent-outcome'
import type { Actor } from '../../domain/access'
import { ApiError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'
import { cancelAndApplyIntent } from '../payments/apply-intent'
import { cancelPaidRental } from './cancel-paid-rental'
import { rentalWithPayment } from './read-rentals'

/**
 * The renter or the owner cancels a rental: a paid (active) one under its cancellation policy
 * (cancel-paid-rental.ts), a pending one here. A pending rental's PaymentIntent, if any, is canceled at Stripe first:
 * if Stripe says the renter has paid (or the payment is processing), the payment is applied and the rental is
 * paid, not cancelled (409 rental_already_paid). An unreachable Stripe cancels nothing (503). A payment
 * Backline already knows is processing or completed is refused at once (409 rental_not_cancellable).
 */
export async function cancelRental(deps: Services, user: Actor, id: string): Promise<Rental> {
  const { db } = deps
  const { rental, payment } = await rentalWithPayment(deps, user, id, 'cancel')
  if (rental.status === 'active') return cancelPaidRental(deps, user, rental, payment)
  if (rental.status === 'pending' && payment) await cancelPayableIntent(deps, payment)
  const reason = rental.renterId === user.id ? 'cancelled_by_renter' : 'cancelled_by_owner'
  const now = nowIso(deps.clock())
  const [audit, update] = cancelStatements(db, { id, reason, actorId: user.id }, now)
  const read = await runBatchNamed(db, [audit], { update, after: selectRows(db, rentals, sql`id = ${id}`) })
  if (read.update.meta.changes !== 1) {
    throw new ApiError(
      'rental_not_cancellable',
      'Only a pending rental without a payment under way can be cancelled',
    )
  }
  return read.after.results[0] as Rental
}

async function cancelPayableIntent(deps: Services, payment: Payment) {
  if (!intentMayBePaid(payment)) return
  const { intent, applied } = await cancelAndApplyIntent(deps, payment, 'api')
  if (intent.status === 'succeeded' || intent.status === 'processing') {
    throw new ApiError(
      'rental_already_paid',
      `The renter has already paid for this rental (payment ${applied.payment.status}); refund it instead`,
    )
  }
}
