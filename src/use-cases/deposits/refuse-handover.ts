import { eq, sql } from 'drizzle-orm'
import { supersedeCurrentStatement } from '../../adapters/d1/deposit-statements'
import { deposits, payments } from '../../adapters/d1/schema'
import { transition } from '../../adapters/d1/transitions'
import type { Actor } from '../../domain/access'
import { startOfDay } from '../../domain/cancellation-policies'
import { ApiError } from '../../lib/errors'
import type { Services } from '../context'
import { cancelPaidWith, paidPayment, policyRefund } from '../rentals/cancel-paid-rental'
import { cancelSupersededIntents } from './deposit-intents'
import { rentalWithDeposit, toDepositJson } from './read-deposit'

/** Deposit statuses in which nothing is held on the card at the start. */
const NOT_HELD = ['scheduled', 'action_required'] as const

/**
 * POST /api/rentals/{id}/deposit/refuse-handover (the owner). From the start of an active rental whose deposit
 * is still not held (off-session refused and the renter has not authorized it, or never placed), the owner may
 * refuse to hand the instrument over. The rental is cancelled and the renter refunded what their own
 * cancellation at this moment would refund under the rental's policy: the deposit was part of what they booked
 * (docs/DEPOSITS.md). The deposit is failed, and its intent canceled at Stripe; all in the cancellation's batch.
 */
export async function refuseHandover(deps: Services, user: Actor, rentalId: string) {
  const { rental, deposit } = await rentalWithDeposit(deps, user, rentalId, 'refuse_handover')
  const now = deps.clock()
  if (!deposit || !(NOT_HELD as readonly string[]).includes(deposit.status)) {
    throw new ApiError(
      'handover_not_refusable',
      deposit
        ? `The deposit is ${deposit.status}: the hand-over cannot be refused for it`
        : 'This rental has no deposit',
    )
  }
  const startsAt = startOfDay(rental.startDate, rental.timeZone)
  if (rental.status !== 'active' || now < startsAt) {
    throw new ApiError(
      'handover_not_refusable',
      rental.status !== 'active'
        ? `The rental is ${rental.status}`
        : `The rental starts at ${startsAt.toISOString()}; until then the renter may still authorize the deposit`,
    )
  }
  const payment = paidPayment(
    await deps.db.query.payments.findFirst({ where: eq(payments.rentalId, rental.id) }),
  )
  const refundable = payment.amount - payment.amountRefunded
  const cancelled = await cancelPaidWith(deps, user, rental, payment, {
    reason: 'deposit_not_held',
    amount: policyRefund(rental, now, refundable),
    // Not if the renter authorized the deposit meanwhile.
    when: sql`EXISTS (SELECT 1 FROM deposits WHERE deposits.id = ${deposit.id} AND deposits.status IN ${NOT_HELD})`,
    also: (at) => {
      const cancelledNow = sql`EXISTS (SELECT 1 FROM rentals WHERE rentals.id = ${rental.id}
        AND rentals.status = 'cancelled' AND rentals.cancelled_at = ${at})`
      return [
        ...transition(deps.db, 'deposit', {
          where: sql`id = ${deposit.id} AND status IN ${NOT_HELD} AND ${cancelledNow}`,
          on: 'fail',
          to: 'failed',
          source: 'api',
          now: at,
          actorId: user.id,
          detail: 'hand-over refused: the deposit was not held at the start',
          set: sql`failure_code = 'handover_refused'`,
        }),
        supersedeCurrentStatement(deps.db, deposit.id, sql`status = 'failed' AND updated_at = ${at}`, at),
      ]
    },
  })
  await cancelSupersededIntents(deps, { depositId: deposit.id })
  const after = await deps.db.query.deposits.findFirst({ where: eq(deposits.id, deposit.id) })
  return { rental: cancelled, deposit: toDepositJson(cancelled, after) }
}
