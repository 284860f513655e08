import { and, desc, eq, sql } from 'drizzle-orm'
import type { Database } from '../../adapters/d1/client'
import { jsonMapper, type JsonOf } from '../../adapters/d1/json-columns'
import { pageOfRows, type Page } from '../../adapters/d1/pagination'
import { payouts, type Payout, type PayoutStatus } from '../../adapters/d1/schema'
import { authorizeAdmin, type Actor } from '../../domain/access'
import { decodeCursor } from '../../lib/cursor'
import type { Services } from '../context'

/** A payout as the API shows it: JSON key → column, in answer order. */
export const payoutColumns = {
  id: payouts.id,
  kind: payouts.kind,
  payment_id: payouts.paymentId,
  damage_claim_id: payouts.claimId,
  rental_id: payouts.rentalId,
  owner_id: payouts.ownerId,
  amount: payouts.amount,
  currency: payouts.currency,
  status: payouts.status,
  scheduled_for: payouts.scheduledFor,
  released_at: payouts.releasedAt,
  stripe_transfer_id: payouts.stripeTransferId,
  amount_reversed: payouts.amountReversed,
  failure_code: payouts.failureCode,
  failure_message: payouts.failureMessage,
  created_at: payouts.createdAt,
  updated_at: payouts.updatedAt,
}

export type PayoutJson = JsonOf<typeof payoutColumns>

export const toPayoutJson = jsonMapper<typeof payoutColumns, Payout>(payouts, payoutColumns)

export interface PayoutSearch {
  status?: PayoutStatus
  limit: number
  cursor?: string
}

/**
 * Payouts newest first (created_at DESC, id DESC), of one owner or (no owner) everyone's, optionally of one
 * status: one range of payouts_owner[_status]_created_idx or payouts_status_created_idx, in the page's order.
 */
function payoutsQuery(db: Database, search: PayoutSearch & { ownerId?: string }) {
  const after = decodeCursor(search.cursor)
  return db
    .select()
    .from(payouts)
    .where(
      and(
        search.ownerId === undefined ? undefined : eq(payouts.ownerId, search.ownerId),
        search.status === undefined ? undefined : eq(payouts.status, search.status),
        after && sql`(${payouts.createdAt}, ${payouts.id}) < (${after.createdAt}, ${after.id})`,
      ),
    )
    .orderBy(desc(payouts.createdAt), desc(payouts.id))
    .limit(search.limit + 1)
}

/** The caller's payouts as owner: only ever their own. */
export async function listOwnPayouts(
  { db }: Services,
  user: Actor,
  search: PayoutSearch,
): Promise<Page<Payout>> {
  return pageOfRows(await payoutsQuery(db, { ...search, ownerId: user.id }), search.limit)
}

/** Every owner's payouts of one status (e.g. failed), for operations: admins only. */
export async function listPayoutsWithStatus(
  { db }: Services,
  user: Actor,
  search: PayoutSearch & { status: PayoutStatus },
): Promise<Page<Payout>> {
  authorizeAdmin(user)
  return pageOfRows(await payoutsQuery(db, search), search.limit)
}
