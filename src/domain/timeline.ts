import { dueAtOf } from './payouts'
import { formatMoney } from './money'
import { payoutMachine, statusesInto, type PayoutStatus } from './state-machines'

/*
 * A payment's story in plain words, from its audit rows (and its refunds' requests): what a renter reads to
 * follow a payment or a refund without asking support, and, for the owner and admins, the owner's payout.
 * Pure: the rows come from D1, the words from here.
 */

export interface AuditEntry {
  entity: 'rental' | 'payment' | 'refund' | 'payout'
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
  payout_id?: string
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

function payoutText(entry: AuditEntry): Words | undefined {
  if (entry.from === null) {
    const due = dueAtOf(entry.detail)
    return ['payout_scheduled', `Owner payout scheduled${due ? `, due ${due}` : ''}`]
  }
  if (entry.from === entry.to) return undefined
  if (entry.to === 'held') return ['payout_held', 'Owner payout held while a dispute is open']
  if (entry.to === 'failed')
    return ['payout_failed', `Owner payout refused by Stripe (${entry.detail ?? 'refused'}); it is retried`]
  const words = PAYOUT_WORDS[entry.to as keyof typeof PAYOUT_WORDS]
  if (!words) return undefined
  const [on, by, otherwise] = words
  return statusesInto(payoutMachine, on, entry.to as PayoutStatus).includes(entry.from as PayoutStatus)
    ? by
    : otherwise
}

type Words = readonly [event: string, text: string]
type PayoutEvent = (typeof payoutMachine)['moves'][number]['on']

/**
 * The words for a payout's move into a status, by whether the machine's `on` move leads there from where it
 * was (payoutMachine): a released payout may have been sent, or given back after a reversal.
 */
const PAYOUT_WORDS = {
  scheduled: [
    'retry',
    ['payout_retried', "Owner payout scheduled again: the owner's account can receive it"],
    ['payout_scheduled', 'Owner payout scheduled again'],
  ],
  released: [
    'release',
    ['payout_released', "Owner payout sent to the owner's Stripe account"],
    ['payout_given_back', 'Owner payout given back to the owner'],
  ],
  partially_reversed: [
    'reverse',
    ['payout_reversed', 'Part of the owner payout taken back (a refund or a dispute)'],
    ['payout_given_back', 'Part of the owner payout given back to the owner'],
  ],
  reversed: [
    'reverse',
    ['payout_reversed', 'Owner payout taken back in full (a refund or a dispute)'],
    ['payout_cancelled', 'Owner payout cancelled: nothing is left to pay'],
  ],
} as const satisfies Partial<Record<PayoutStatus, readonly [PayoutEvent, Words, Words]>>

const TEXTS = { rental: rentalText, payment: paymentText, payout: payoutText }

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
    const words = entry.entity === 'refund' ? refundText(entry, refund) : TEXTS[entry.entity](entry)
    if (words)
      entries.push({
        at: entry.at,
        event: words[0],
        text: words[1],
        ...(refund ? { refund_id: refund.id } : {}),
        ...(entry.entity === 'payout' ? { payout_id: entry.entityId } : {}),
      })
  }
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
}
