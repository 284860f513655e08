import { formatMoney } from './money'

/*
 * A payment's story in plain words, from its audit rows (and its refunds' requests): what a renter reads to
 * follow a payment or a refund without asking support. Pure: the rows come from D1, the words from here.
 */

export interface AuditEntry {
  entity: 'rental' | 'payment' | 'refund'
  entityId: string
  from: string | null
  to: string
  detail: string | null
  at: string
}

export interface RefundFacts {
  id: string
  amount: number
  currency: string
  failureReason: string | null
  requestedAt: string
}

export interface TimelineEntry {
  at: string
  event: string
  text: string
  refund_id?: string
}

const CANCEL_REASONS: Record<string, string> = {
  hold_expired: 'the hold on its dates expired unpaid',
  cancelled_by_renter: 'by the renter',
  cancelled_by_owner: 'by the owner',
  refunded: 'it was refunded in full',
}

function rentalText(entry: AuditEntry): [string, string] | undefined {
  if (entry.from === null) return ['booked', 'Dates booked and held while payment is made']
  if (entry.to === 'active') return ['rental_confirmed', 'Rental confirmed: the payment went through']
  if (entry.to === 'completed') return ['returned', 'The owner marked the instrument returned']
  if (entry.to === 'cancelled')
    return ['rental_cancelled', `Rental cancelled: ${CANCEL_REASONS[entry.detail ?? ''] ?? 'cancelled'}`]
  return undefined
}

function paymentText(entry: AuditEntry): [string, string] | undefined {
  if (entry.from === null || (entry.from === 'failed' && entry.to === 'pending'))
    return ['payment_started', `Payment started (${entry.detail ?? 'attempt 1'})`]
  if (entry.detail?.startsWith('dispute ')) {
    const closed = entry.from === 'disputed'
    return closed ? ['dispute_won', 'Dispute closed in our favour'] : ['dispute_opened', 'Dispute opened']
  }
  if (entry.to === 'processing') return ['payment_processing', 'Payment processing at the bank']
  if (entry.to === 'completed' && !entry.detail?.startsWith('refund'))
    return ['payment_completed', 'Payment completed']
  if (entry.to === 'failed')
    return entry.detail === 'canceled'
      ? ['payment_canceled', 'Payment canceled']
      : ['payment_declined', `Card declined (${entry.detail ?? 'declined'})`]
  if (entry.to === 'refund_failed')
    return ['refund_given_up', 'The refund kept failing: the owner and support will settle it with you']
  return undefined
}

function refundText(entry: AuditEntry, refund: RefundFacts | undefined): [string, string] | undefined {
  const amount = refund ? formatMoney(refund.amount, refund.currency) : 'the refund'
  if (entry.to === 'succeeded') return ['refund_succeeded', `Refund of ${amount} succeeded`]
  if (entry.to === 'failed') {
    const why = refund?.failureReason ? ` (${refund.failureReason.replaceAll('_', ' ')})` : ''
    return ['refund_failed', `Refund of ${amount} failed${why}`]
  }
  if (entry.to === 'requires_action') return ['refund_action', `Refund of ${amount} needs the bank's action`]
  if (entry.to === 'canceled') return ['refund_canceled', `Refund of ${amount} canceled`]
  return undefined
}

/** The entries in time order; audit rows that tell nothing new (a status kept by a refund) are left out. */
export function paymentTimeline(audit: AuditEntry[], refunds: RefundFacts[]): TimelineEntry[] {
  const byId = new Map(refunds.map((refund) => [refund.id, refund]))
  const entries: TimelineEntry[] = refunds.map((refund) => ({
    at: refund.requestedAt,
    event: 'refund_requested',
    text: `Refund of ${formatMoney(refund.amount, refund.currency)} requested`,
    refund_id: refund.id,
  }))
  for (const entry of audit) {
    const refund = entry.entity === 'refund' ? byId.get(entry.entityId) : undefined
    const words =
      entry.entity === 'rental'
        ? rentalText(entry)
        : entry.entity === 'payment'
          ? paymentText(entry)
          : refundText(entry, refund)
    if (words)
      entries.push({
        at: entry.at,
        event: words[0],
        text: words[1],
        ...(refund ? { refund_id: refund.id } : {}),
      })
  }
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
}
