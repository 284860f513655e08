import { sql } from 'drizzle-orm'
import { prepare, type Database } from './client'
import type { DocumentKind } from './schema'

/*
 * Issuing a receipt, a credit note, or the reversal of a credit note: one INSERT that takes the kind's next number (MAX + 1 over the primary key
 * (kind, number), an index seek) and does nothing if the document exists already. D1 runs writes one at a
 * time, so two completions never take the same number, and a batch that fails takes none.
 */

const issue = (
  db: Database,
  kind: DocumentKind,
  sourceId: string,
  from: ReturnType<typeof sql>,
  now: string,
) =>
  prepare(
    db,
    sql`INSERT INTO documents (kind, number, source_id, payment_id, issued_at)
    SELECT ${kind}, COALESCE((SELECT MAX(number) FROM documents WHERE kind = ${kind}), 0) + 1, ${sourceId},
           payment_id, ${now}
    FROM (${from}) WHERE true
    ON CONFLICT (kind, source_id) DO NOTHING`,
  )

/** The receipt of a payment, once it has completed. */
export const issueReceiptStatement = (db: Database, paymentId: string, now: string) =>
  issue(
    db,
    'receipt',
    paymentId,
    sql`SELECT id AS payment_id FROM payments WHERE id = ${paymentId} AND completed_at IS NOT NULL`,
    now,
  )

/** The credit note of a refund, once it has succeeded. */
export const issueCreditNoteStatement = (db: Database, refundId: string, now: string) =>
  issue(
    db,
    'credit_note',
    refundId,
    sql`SELECT payment_id FROM refunds WHERE id = ${refundId} AND status = 'succeeded'`,
    now,
  )

/**
 * The reversal of a refund's credit note, once the refund has failed after it succeeded (Stripe's one move out
 * of succeeded: the money did not reach the renter). A credit note, once numbered, is never changed or
 * withdrawn; this document, numbered from its own sequence, cancels it. Nothing when the refund never had one.
 */
export const issueCreditNoteReversalStatement = (db: Database, refundId: string, now: string) =>
  issue(
    db,
    'credit_note_reversal',
    refundId,
    sql`SELECT payment_id FROM refunds WHERE id = ${refundId} AND status = 'failed'
      AND EXISTS (SELECT 1 FROM documents WHERE kind = 'credit_note' AND source_id = ${refundId})`,
    now,
  )
