import { sql } from 'drizzle-orm'
import { prepare } from '../../adapters/d1/client'
import type { Actor } from '../../domain/access'
import type { PayoutKind } from '../../domain/payouts'
import { validateAvailabilityWindow } from '../../domain/rental-dates'
import type { Services } from '../context'

/** The money columns of an earnings line and of each currency's totals, in statement order. */
export const EARNINGS_AMOUNTS = [
  'gross',
  'refunds',
  'disputed',
  'platform_fees',
  'net',
  'released',
  'reversed',
  'scheduled',
  'unsettled',
] as const

type Amounts = Record<(typeof EARNINGS_AMOUNTS)[number], number>

export interface EarningsLine extends Amounts {
  date: string
  payout_id: string
  kind: PayoutKind
  payment_id: string | null
  damage_claim_id: string | null
  rental_id: string
  currency: string
  status: string
  scheduled_for: string
  released_at: string | null
}

export interface EarningsTotals extends Amounts {
  currency: string
}

/**
 * An owner's earnings statement for [from, to): one line per payout created in the window (a payout is created
 * when its payment completes, or its damage claim is captured), and per currency the sums of its lines. Each
 * line adds up twice, to the minor unit:
 *
 *   gross = refunds + disputed + platform_fees + net     (what the renter paid, and where it went)
 *   net   = released − reversed + scheduled + unsettled  (the owner's share, and where it is)
 *
 * net is what the owner is owed (domain/payouts.ts); platform_fees what the platform keeps; disputed what an
 * open or lost dispute withholds; scheduled what is not yet released (scheduled, held or failed); unsettled
 * what is still to be reversed or given back at Stripe (normally 0). A damage claim's line: gross is what the
 * claim collected, platform_fees its fee (DEPOSIT_CLAIM_FEE_PERCENT), net its owner share, disputed what a
 * dispute of its charge withholds; nothing in Backline refunds it. One range of payouts_owner_created_idx.
 */
export async function ownerEarnings({ db }: Services, owner: Actor, from: string, to: string) {
  validateAvailabilityWindow(from, to)
  const { results } = await prepare(
    db,
    sql`SELECT po.created_at AS date, po.id AS payout_id, po.kind, po.payment_id, po.claim_id AS damage_claim_id,
        po.rental_id, po.currency, po.status,
        COALESCE(p.amount, c.captured_amount) AS gross, COALESCE(p.amount_refunded, 0) AS refunds,
        COALESCE(MIN(p.amount, p.amount_refunded + po.disputed_amount) - p.amount_refunded,
          MIN(c.captured_amount, po.disputed_amount), 0) AS disputed,
        po.owed AS net,
        CASE WHEN po.released_at IS NULL THEN 0 ELSE po.amount END AS released,
        CASE WHEN po.released_at IS NULL THEN 0 ELSE po.amount_reversed END AS reversed,
        CASE WHEN po.released_at IS NULL THEN po.amount ELSE 0 END AS scheduled,
        po.scheduled_for, po.released_at
      FROM payouts po LEFT JOIN payments p ON p.id = po.payment_id LEFT JOIN damage_claims c ON c.id = po.claim_id
      WHERE po.owner_id = ${owner.id} AND po.created_at >= ${from} AND po.created_at < ${to}
      ORDER BY po.created_at, po.id`,
  ).all<Omit<EarningsLine, 'platform_fees' | 'unsettled'>>()
  const lines = results.map((row): EarningsLine => ({
    ...row,
    platform_fees: row.gross - row.refunds - row.disputed - row.net,
    unsettled: row.net - (row.released - row.reversed) - row.scheduled,
  }))
  const totals = new Map<string, EarningsTotals>()
  for (const line of lines) {
    const sum = totals.get(line.currency) ?? {
      currency: line.currency,
      ...(Object.fromEntries(EARNINGS_AMOUNTS.map((key) => [key, 0])) as Amounts),
    }
    for (const key of EARNINGS_AMOUNTS) sum[key] += line[key]
    totals.set(line.currency, sum)
  }
  return {
    from,
    to,
    currencies: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    lines,
  }
}

export type Earnings = Awaited<ReturnType<typeof ownerEarnings>>

/** The columns of the CSV, in order: the line's fields, amounts in integer minor units. */
export const CSV_COLUMNS = [
  'date',
  'payout_id',
  'kind',
  'payment_id',
  'damage_claim_id',
  'rental_id',
  'currency',
  'status',
  ...EARNINGS_AMOUNTS,
  'scheduled_for',
  'released_at',
] as const

/** RFC 4180: a field with a comma, quote or line break is quoted; one that a spreadsheet would run is defused. */
const csvField = (value: string | number | null) => {
  const text = value === null ? '' : String(value)
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** The statement's lines as CSV (a header row, CRLF line ends), for an accountant. */
export function earningsCsv(earnings: Earnings): string {
  const rows = earnings.lines.map((line) => CSV_COLUMNS.map((column) => csvField(line[column])).join(','))
  return [CSV_COLUMNS.join(','), ...rows].map((row) => `${row}\r\n`).join('')
}
