import { and, desc, eq, sql } from 'drizzle-orm'
import { runBatchNamed, selectRows, type Database } from '../../adapters/d1/client'
import { payments, refunds, type PaymentStatus } from '../../adapters/d1/schema'
import { authorizeAdmin, authorizePayment, type Actor } from '../../domain/access'
import type { Services } from '../context'
import {
  pageForParties,
  pageOfRows,
  type JsonPage,
  type Page,
  type PartySearch,
} from '../../adapters/d1/pagination'
import { decodeCursor } from '../../lib/cursor'
import { paymentList, type PaymentJson } from './payment-json'
import type { Payment, Refund } from '../../adapters/d1/schema'

/** Payment rows by a payment id (pay_…) or by their rental's id (rnt_…): prefixed ids tell them apart. */
export const paymentByIdOrRental = (id: string) =>
  id.startsWith('pay_') ? sql`id = ${id}` : sql`rental_id = ${id}`

/**
 * A payment by its rental's id (the original contract) or by its own id: prefixed ids tell them apart.
 * Its renter, its owner and admins may read it; to anyone else it does not exist.
 */
export async function getPaymentFor(
  { db }: Services,
  user: Actor,
  id: string,
): Promise<{ payment: Payment; refunds: Refund[] }> {
  const byId = paymentByIdOrRental(id)
  // One round trip: the payment and its refunds (both read through indexes); refunds are shown only below.
  const read = await runBatchNamed(db, [], {
    payment: selectRows(db, payments, byId),
    refunds: selectRows(
      db,
      refunds,
      sql`payment_id = (SELECT id FROM payments WHERE ${byId}) ORDER BY created_at`,
    ),
  })
  const payment = read.payment.results[0] as Payment | undefined
  authorizePayment(user, payment, 'read')
  return { payment, refunds: read.refunds.results as Refund[] }
}

export type PaymentSearch = PartySearch<PaymentStatus>

/** Newest first, as renter, as owner, or both, each item already JSON (pageForParties). */
export function listPayments(
  { db }: Services,
  user: Actor,
  search: PaymentSearch,
): Promise<JsonPage<PaymentJson>> {
  return pageForParties(db, paymentList, user.id, search)
}

/** An admin's search across all users: one status (required), page size, and where the last page ended. */
export interface StatusSearch {
  status: PaymentStatus
  limit: number
  cursor?: string
}

/**
 * Payments of one status, of every user, newest first (created_at DESC, id DESC): one range of the index
 * payments_status_created_idx (status, created_at, id), already in the page's order, so SQLite reads
 * limit + 1 rows and sorts nothing, however many payments there are.
 */
export function paymentsWithStatusQuery(db: Database, search: StatusSearch) {
  const after = decodeCursor(search.cursor)
  return db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.status, search.status),
        after && sql`(${payments.createdAt}, ${payments.id}) < (${after.createdAt}, ${after.id})`,
      ),
    )
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(search.limit + 1)
}

/** For admins only (403 forbidden to anyone else): e.g. the `refund_failed` payments that need settling. */
export async function listPaymentsWithStatus(
  { db }: Services,
  user: Actor,
  search: StatusSearch,
): Promise<Page<Payment>> {
  authorizeAdmin(user)
  return pageOfRows(await paymentsWithStatusQuery(db, search), search.limit)
}
