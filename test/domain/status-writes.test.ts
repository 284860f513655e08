import { describe, expect, it } from 'vitest'
import { sourceFiles } from '../helpers/source-files'

const HOME = '../../src/adapters/d1/transitions.ts'

/** Every place a piece of code writes a `status` column: raw UPDATE … SET … status =, or Drizzle .set({ status }). */
export function statusWrites(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/UPDATE\s+\S+\s+SET\s+([\s\S]*?)(?:\bWHERE\b|`)/gi)) {
    if (/(^|[\s,])status\s*=/.test(match[1]!)) found.push(match[0].replace(/\s+/g, ' ').slice(0, 80))
  }
  for (const match of text.matchAll(/\.set\(\s*\{[^}]*\bstatus\s*[:,}]/g)) found.push(match[0].slice(0, 80))
  for (const match of text.matchAll(/\.set\(\s*\{[^}]*\[\s*['"]status['"]\s*\]/g)) found.push(match[0])
  return found
}

describe('the state machine is the only writer of status columns', () => {
  it('finds the writes it looks for (the check itself can fail)', () => {
    expect(statusWrites('sql`UPDATE payments SET amount = 1, status = ${to} WHERE id = 1`')).toHaveLength(1)
    expect(statusWrites("db.update(rentals).set({ status: 'cancelled' })")).toHaveLength(1)
    expect(statusWrites('db.update(rentals).set({ updatedAt, status })')).toHaveLength(1)
    expect(statusWrites("sql`UPDATE refunds SET failure_reason = 'x' WHERE status = 'failed'`")).toEqual([])
    expect(
      statusWrites("db.update(payments).set({ reconciledAt: now }).where(eq(payments.status, 'x'))"),
    ).toEqual([])
  })

  it('has its one home in adapters/d1/transitions.ts, built from the tables', () => {
    expect(statusWrites(sourceFiles[HOME]!)).toHaveLength(1)
  })

  it('finds no other code under src/ that writes a status', () => {
    const elsewhere = Object.entries(sourceFiles)
      .filter(([path]) => path !== HOME)
      .flatMap(([path, text]) => statusWrites(text).map((write) => `${path}: ${write}`))
    expect(Object.keys(sourceFiles).length).toBeGreaterThan(30)
    expect(elsewhere).toEqual([])
  })
})
