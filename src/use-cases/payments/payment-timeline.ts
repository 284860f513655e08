import { sql } from 'drizzle-orm'
import { prepare, runBatchNamed, selectRows } from '../../adapters/d1/client'
import { payments, refunds, type Payment, type Refund } from '../../adapters/d1/schema'
import { authorizePayment, seesPayout, type Actor } from '../../domain/access'
import { paymentTimeline, type AuditEntry } from '../../domain/timeline'
import type { Services } from '../context'
import { paymentByIdOrRental } from './read-payments'

/**
 * A payment's story (by its id or its rental's), from the audit rows of the payment, its rental, its refunds and
 * (for the owner and admins, not the renter) the owner's payout of it, read in one D1 round trip through the
 * audit log's entity index. Renter, owner and admins.
 */
export async function timelineOf({ db }: Services, user: Actor, id: string) {
  const byId = paymentByIdOrRental(id)
  const paymentId = sql`(SELECT id FROM payments WHERE ${byId})`
  const read = await runBatchNamed(db, [], {
    payment: selectRows(db, payments, byId),
    refunds: selectRows(db, refunds, sql`payment_id = ${paymentId} ORDER BY created_at`),
    audit: prepare(
      db,
      sql`SELECT entity_type AS entity, entity_id AS entityId, from_status AS "from", to_status AS "to", detail,
        created_at AS at FROM audit_log
      WHERE entity_id = ${paymentId} OR entity_id = (SELECT rental_id FROM payments WHERE ${byId})
        OR entity_id IN (SELECT id FROM refunds WHERE payment_id = ${paymentId})
        OR entity_id = (SELECT id FROM payouts WHERE payment_id = ${paymentId})
      ORDER BY created_at, rowid`,
    ),
  })
  const payment = read.payment.results[0] as Payment | undefined
  authorizePayment(user, payment, 'read')
  const refundFacts = (read.refunds.results as Refund[]).map((refund) => ({
    id: refund.id,
    amount: refund.amount,
    currency: refund.currency,
    failureReason: refund.failureReason,
    requestedAt: refund.createdAt,
  }))
  const payout = seesPayout(user, payment)
  const audit = (read.audit.results as AuditEntry[]).filter((entry) => payout || entry.entity !== 'payout')
  return {
    payment_id: payment.id,
    rental_id: payment.rentalId,
    status: payment.status,
    entries: paymentTimeline(audit, refundFacts),
  }
}
