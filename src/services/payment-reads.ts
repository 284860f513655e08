import { sql } from 'drizzle-orm'
import { runBatch, selectRows, type Database } from '../db/client'
import { payments, refunds, type PaymentStatus } from '../db/schema'
import type { AuthUser } from '../env'
import { ApiError } from '../lib/errors'
import { pageForParties, type JsonPage, type PartySearch } from '../lib/pagination'
import { paymentList, type PaymentJson } from './payment-json'
import type { Payment } from './payment-intents'
import type { Refund } from './refunds'

/**
 * A payment by its rental's id (the original contract) or by its own id: prefixed ids tell them apart.
 * Its renter, its owner and admins may read it; to anyone else it does not exist.
 */
export async function getPaymentFor(
  db: Database,
  user: AuthUser,
  id: string,
): Promise<{ payment: Payment; refunds: Refund[] }> {
  const byId = id.startsWith('pay_') ? sql`id = ${id}` : sql`rental_id = ${id}`
  // One round trip: the payment and its refunds (both read through indexes); refunds are shown only below.
  const [found, itsRefunds] = await runBatch(db, [
    selectRows(db, payments, byId),
    selectRows(db, refunds, sql`payment_id = (SELECT id FROM payments WHERE ${byId}) ORDER BY created_at`),
  ])
  const payment = found?.results[0] as Payment | undefined
  const visible =
    payment && (payment.renterId === user.id || payment.ownerId === user.id || user.role === 'admin')
  if (!payment || !visible) throw new ApiError('payment_not_found', 'No payment found for this rental')
  return { payment, refunds: itsRefunds!.results as Refund[] }
}

export type PaymentSearch = PartySearch<PaymentStatus>

/** Newest first, as renter, as owner, or both, each item already JSON (pageForParties). */
export function listPayments(
  db: Database,
  userId: string,
  search: PaymentSearch,
): Promise<JsonPage<PaymentJson>> {
  return pageForParties(db, paymentList, userId, search)
}
