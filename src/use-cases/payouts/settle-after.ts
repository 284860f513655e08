import { and, isNotNull } from 'drizzle-orm'
import { payoutOf, type PayoutOf } from '../../adapters/d1/payout-statements'
import { payouts } from '../../adapters/d1/schema'
import type { Trigger } from '../../domain/state-machines'
import type { Services } from '../context'
import { settlePayout } from './payout-transfers'

/**
 * After a refund or a dispute changed what the owner of a payment (or a damage claim) is owed: a released
 * payout is brought to it at Stripe at once. A failure is logged, not thrown (the refund or the dispute stands, and the cron settles
 * the payout on its next run).
 */
export async function settlePayoutOf(
  deps: Pick<Services, 'db' | 'stripe' | 'logger'>,
  of: PayoutOf,
  source: Trigger,
) {
  const payout = await deps.db.query.payouts.findFirst({
    where: and(payoutOf(of), isNotNull(payouts.releasedAt)),
  })
  if (!payout || payout.amount - payout.amountReversed === payout.owed) return
  try {
    await settlePayout(deps, payout.id, source)
  } catch (error) {
    deps.logger.warn('could not settle a payout now; the cron will', {
      payout_id: payout.id,
      error: String(error),
    })
  }
}
