import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from './client'
import {
  allowedMoves,
  stateMachines,
  type Entity,
  type EventOf,
  type StatusOf,
  type Trigger,
} from '../../domain/state-machines'

/*
 * The only code that writes a status column. A transition is two statements for one D1 batch: the audit rows,
 * then the UPDATE, both with the same WHERE, which carries the state machine's allowed (from, to) pairs for
 * this trigger. So a stale, repeated or concurrent writer changes nothing and leaves no audit row, and a move
 * the tables do not declare can never be written, whatever the caller computed.
 */

const tables: Record<Entity, SQL> = {
  rental: sql.raw('rentals'),
  payment: sql.raw('payments'),
  refund: sql.raw('refunds'),
  payout: sql.raw('payouts'),
  deposit: sql.raw('deposits'),
  claim: sql.raw('damage_claims'),
}

export interface Transition<E extends Entity> {
  /** The event of the state machine this write makes: only its moves are allowed. */
  on: EventOf[E]
  /** Which rows (and any extra condition of the move); the allowed pairs are added to it. */
  where: SQL
  /** The target status, or an SQL expression of the row (e.g. from amount_refunded) that yields one. */
  to: StatusOf[E] | SQL
  source: Trigger
  now: string
  /** Other columns set by the same UPDATE. */
  set?: SQL
  detail?: string | null
  actorId?: string | null
  returning?: SQL
}

const literal = (status: string) => {
  if (!/^[a-z_]+$/.test(status)) throw new Error(`Not a status: ${status}`)
  return `'${status}'`
}

/**
 * `(status, <to>) IN (VALUES ('pending', 'active'), …)`: only declared moves, for this trigger. Into a fixed
 * status, a row already there is left alone (a repeated report is no move); a computed target may keep the
 * status where the table declares it (a second partial refund is partially_refunded → partially_refunded).
 */
function allowedPairs(entity: Entity, on: string, to: SQL, source: Trigger, only?: string): SQL {
  const pairs = allowedMoves(stateMachines[entity], on, source, only).filter(
    ([from, into]) => only === undefined || from !== into,
  )
  // A write that names a move the table does not have is a bug in the caller, not a state to skip.
  if (pairs.length === 0)
    throw new Error(`No ${entity} move on ${on} into ${only ?? 'any status'} by ${source}`)
  const values = pairs.map(([from, into]) => `(${literal(from)}, ${literal(into)})`).join(', ')
  return sql`(status, ${to}) IN (VALUES ${sql.raw(values)})`
}

export function transition<E extends Entity>(db: Database, entity: E, change: Transition<E>) {
  const only = typeof change.to === 'string' ? change.to : undefined
  const to = typeof change.to === 'string' ? sql`${change.to}` : change.to
  const where = sql`${change.where} AND ${allowedPairs(entity, change.on, to, change.source, only)}`
  const table = tables[entity]
  const set = change.set ? sql`, ${change.set}` : sql``
  const returning = change.returning ? sql` RETURNING ${change.returning}` : sql``
  const audit = prepare(
    db,
    sql`INSERT INTO audit_log (id, entity_type, entity_id, from_status, to_status, source, actor_id, detail, created_at)
    SELECT 'aud_' || lower(hex(randomblob(10))), ${entity}, id, status, ${to}, ${change.source},
           ${change.actorId ?? null}, ${change.detail ?? null}, ${change.now}
    FROM ${table} WHERE ${where}`,
  )
  const update = prepare(
    db,
    sql`UPDATE ${table} SET status = ${to}${set}, updated_at = ${change.now} WHERE ${where}${returning}`,
  )
  return [audit, update] as const
}
