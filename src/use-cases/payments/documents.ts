import { sql } from 'drizzle-orm'
import { prepare, runBatchNamed, selectRows } from '../../adapters/d1/client'
import { issueCreditNoteStatement, issueReceiptStatement } from '../../adapters/d1/documents'
import { payments, refunds, type DocumentKind, type Payment, type Refund } from '../../adapters/d1/schema'
import { authorizePayment, authorizeRefund, type Actor } from '../../domain/access'
import { formatMoney } from '../../domain/money'
import { ApiError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'
import { paymentByIdOrRental } from './read-payments'
import type { DepositStatusJson } from '../deposits/read-deposit'

/*
 * Receipts and credit notes. Each is issued (numbered) in the batch that completes its payment or its refund;
 * reading one issues it if it is missing (a payment completed before documents existed), with the same
 * statement, so numbers stay gapless either way.
 */

interface DocumentRow {
  number: number
  issued_at: string
}

const documentOf = (kind: DocumentKind, sourceId: string) =>
  sql`SELECT number, issued_at FROM documents WHERE kind = ${kind} AND source_id = ${sourceId}`

const PREFIXES = { receipt: 'R', credit_note: 'C', credit_note_reversal: 'CR' } satisfies Record<
  DocumentKind,
  string
>

/** A document's number as printed: its kind's prefix and its place in the kind's gapless sequence. */
const numbered = (kind: DocumentKind, n: number) => `${PREFIXES[kind]}-${String(n).padStart(6, '0')}`

interface RentalLine {
  title: string
  start_date: string
  end_date: string
  days: number
  daily_rate: number
  deposit_amount: number
  /** The deposit's status (null: none was ever held or scheduled) and what a damage claim took of it. */
  deposit_status: string | null
  deposit_captured_amount: number | null
}

export async function receiptOf({ db, clock }: Services, user: Actor, id: string, locale: string) {
  const payment = ((await selectRows(db, payments, paymentByIdOrRental(id)).first()) ?? undefined) as
    Payment | undefined
  authorizePayment(user, payment, 'read')
  if (!payment.completedAt)
    throw new ApiError('receipt_not_found', 'This payment has not completed: it has no receipt yet')
  const read = await runBatchNamed(db, [issueReceiptStatement(db, payment.id, nowIso(clock()))], {
    document: prepare(db, documentOf('receipt', payment.id)),
    line: prepare(
      db,
      sql`SELECT listings.title, rentals.start_date, rentals.end_date, rentals.days, rentals.daily_rate,
        rentals.deposit_amount, deposits.status AS deposit_status,
        deposits.captured_amount AS deposit_captured_amount
      FROM rentals JOIN listings ON listings.id = rentals.listing_id
        LEFT JOIN deposits ON deposits.rental_id = rentals.id
      WHERE rentals.id = ${payment.rentalId}`,
    ),
  })
  const document = read.document.results[0] as DocumentRow
  const line = read.line.results[0] as RentalLine
  const money = (amount: number) => formatMoney(amount, payment.currency, locale)
  return {
    kind: 'receipt' as const,
    number: numbered('receipt', document.number),
    issued_at: document.issued_at,
    payment_id: payment.id,
    rental_id: payment.rentalId,
    currency: payment.currency,
    locale,
    line: {
      description: `${line.title}, ${line.start_date} to ${line.end_date} (return day)`,
      daily_rate: line.daily_rate,
      days: line.days,
      amount: payment.amount,
      text: `${line.days} × ${money(line.daily_rate)} = ${money(payment.amount)}`,
    },
    total: payment.amount,
    platform_fee: payment.platformFee,
    owner_payout_amount: payment.ownerPayoutAmount,
    deposit_amount: line.deposit_amount,
    deposit_status: depositStatusOf(line),
    deposit_captured_amount: line.deposit_captured_amount ?? 0,
    amount_refunded: payment.amountRefunded,
    formatted: {
      total: money(payment.amount),
      platform_fee: money(payment.platformFee),
      owner_payout_amount: money(payment.ownerPayoutAmount),
      deposit_amount: money(line.deposit_amount),
      deposit_captured_amount: money(line.deposit_captured_amount ?? 0),
      amount_refunded: money(payment.amountRefunded),
    },
  }
}

/** The deposit as the receipt shows it: its own status, or not_required when the rental has none. */
const depositStatusOf = (line: RentalLine): DepositStatusJson =>
  (line.deposit_status as DepositStatusJson | null) ?? 'not_required'

export async function creditNoteOf({ db, clock }: Services, user: Actor, refundId: string, locale: string) {
  // Who may see it is decided before anything is issued: the refund is its payment's to see.
  const found = await runBatchNamed(db, [], {
    refund: selectRows(db, refunds, sql`id = ${refundId}`),
    payment: selectRows(db, payments, sql`id = (SELECT payment_id FROM refunds WHERE id = ${refundId})`),
  })
  const refund = found.refund.results[0] as Refund | undefined
  const payment = refund ? (found.payment.results[0] as Payment | undefined) : undefined
  authorizeRefund(user, payment)
  const { status, amount, currency } = refund!
  const read = await runBatchNamed(db, [issueCreditNoteStatement(db, refundId, nowIso(clock()))], {
    document: prepare(db, documentOf('credit_note', refundId)),
    receipt: prepare(db, documentOf('receipt', payment.id)),
    reversal: prepare(db, documentOf('credit_note_reversal', refundId)),
  })
  const document = read.document.results[0] as DocumentRow | undefined
  if (!document)
    throw new ApiError('credit_note_not_found', `This refund is ${status}: only a succeeded refund has one`)
  const receipt = read.receipt.results[0] as DocumentRow | undefined
  const reversal = read.reversal.results[0] as DocumentRow | undefined
  return {
    kind: 'credit_note' as const,
    number: numbered('credit_note', document.number),
    issued_at: document.issued_at,
    refund_id: refundId,
    payment_id: payment.id,
    receipt_number: receipt ? numbered('receipt', receipt.number) : null,
    refund_status: status,
    reversed_by: reversal
      ? { number: numbered('credit_note_reversal', reversal.number), issued_at: reversal.issued_at }
      : null,
    amount,
    currency,
    locale,
    formatted: { amount: formatMoney(amount, currency, locale) },
  }
}
