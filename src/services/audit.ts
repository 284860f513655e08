import { sql, type SQL } from 'drizzle-orm'
import { prepare, type Database } from '../db/client'

/*
 * Audit rows are written by the same D1 batch as the change they record, so a change is never without its
 * row and a refused change never has one. Two forms: one row per row a following UPDATE will change (read
 * with the same WHERE, before it), or one row for the statement just before, if it changed a row.
 */

export type AuditEntity = 'payment' | 'rental' | 'refund'
export type AuditSource = 'api' | 'webhook' | 'reconciler'

const tables: Record<AuditEntity, SQL> = {
  payment: sql.raw('payments'),
  rental: sql.raw('rentals'),
  refund: sql.raw('refunds'),
}

const AUDIT_ID = sql`'aud_' || lower(hex(randomblob(10)))`
const COLUMNS = sql.raw(
  'INSERT INTO audit_log (id, entity_type, entity_id, from_status, to_status, source, actor_id, detail, created_at)',
)

interface Entry {
  to: string | SQL
  source: AuditSource
  now: string
  detail?: string | null
  actorId?: string | null
}

/**
 * One audit row per row of `entity` matching `where`, from its current status to `to`; rows already at `to`
 * are skipped (a repeated report is no transition) unless `sameStatusToo` (a second partial refund).
 */
export function auditRows(
  db: Database,
  entity: AuditEntity,
  where: SQL,
  entry: Entry & { sameStatusToo?: boolean },
) {
  const changing = entry.sameStatusToo ? sql`` : sql`AND status <> ${entry.to}`
  return prepare(
    db,
    sql`${COLUMNS}
    SELECT ${AUDIT_ID}, ${entity}, id, status, ${entry.to}, ${entry.source}, ${entry.actorId ?? null},
           ${entry.detail ?? null}, ${entry.now}
    FROM ${tables[entity]} WHERE ${where} ${changing}`,
  )
}

/** The audit row of the statement just before it in the batch, written only if that statement changed a row. */
export function auditIfChanged(
  db: Database,
  entity: AuditEntity,
  entityId: string,
  entry: Entry & { from: string | null },
) {
  return prepare(
    db,
    sql`${COLUMNS}
    SELECT ${AUDIT_ID}, ${entity}, ${entityId}, ${entry.from}, ${entry.to}, ${entry.source},
           ${entry.actorId ?? null}, ${entry.detail ?? null}, ${entry.now}
    WHERE changes() = 1`,
  )
}
