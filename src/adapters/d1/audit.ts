import { sql } from 'drizzle-orm'
import { prepare, type Database } from './client'
import type { Entity, Trigger } from '../../domain/state-machines'

/*
 * The audit row of a row just created, written by the same D1 batch as its INSERT and only if that INSERT
 * changed a row. Status changes write their own audit rows (adapters/d1/transitions.ts).
 */

export type AuditSource = Trigger

interface Entry {
  to: string
  source: AuditSource
  now: string
  detail?: string | null
  actorId?: string | null
}

/** The audit row of the statement just before it in the batch, written only if that statement changed a row. */
export function auditIfChanged(db: Database, entity: Entity, entityId: string, entry: Entry) {
  return prepare(
    db,
    sql`INSERT INTO audit_log (id, entity_type, entity_id, from_status, to_status, source, actor_id, detail, created_at)
    SELECT 'aud_' || lower(hex(randomblob(10))), ${entity}, ${entityId}, NULL, ${entry.to}, ${entry.source},
           ${entry.actorId ?? null}, ${entry.detail ?? null}, ${entry.now}
    WHERE changes() = 1`,
  )
}
