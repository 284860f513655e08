import { env } from 'cloudflare:test'
import { createDb } from '../../src/db/client'
import { instruments, listings, users } from '../../src/db/schema'
import { loadSettings } from '../../src/env'
import { newId } from '../../src/lib/ids'
import { issueToken } from '../../src/lib/jwt'
import { hashPassword } from '../../src/lib/password'
import { nowIso } from '../../src/lib/time'

export const db = createDb(env.DB)
export const settings = () => loadSettings(env)
export const TEST_PASSWORD = 'correct horse battery staple'

// Factories use few PBKDF2 iterations so that seeding stays fast; the API itself always hashes with 100,000.
const fastHash = hashPassword(TEST_PASSWORD, 1_000)

export interface TestUser {
  id: string
  email: string
  role: 'user' | 'admin'
  token: string
}

export async function createUser(overrides: { role?: 'user' | 'admin'; email?: string } = {}): Promise<TestUser> {
  const id = newId('usr')
  const email = overrides.email ?? `${id.toLowerCase()}@example.test`
  const role = overrides.role ?? 'user'
  const now = nowIso()
  await db.insert(users).values({ id, email, name: `User ${id}`, passwordHash: await fastHash, role, createdAt: now, updatedAt: now })
  return { id, email, role, token: await issueToken(settings(), { sub: id, email, role }) }
}

export async function createListing(
  owner: TestUser,
  overrides: Partial<typeof listings.$inferInsert> = {},
): Promise<typeof listings.$inferSelect> {
  const now = nowIso()
  const instrumentId = newId('ins')
  await db.insert(instruments).values({
    id: instrumentId,
    name: 'Fender Stratocaster',
    category: 'guitar',
    brand: 'Fender',
    model: 'Stratocaster',
    createdBy: owner.id,
    createdAt: now,
    updatedAt: now,
  })
  const [listing] = await db
    .insert(listings)
    .values({
      id: newId('lst'),
      instrumentId,
      ownerId: owner.id,
      category: 'guitar',
      title: 'Sunburst Strat, great setup',
      dailyRate: 2500,
      currency: 'usd',
      depositAmount: 0,
      active: true,
      createdAt: now,
      updatedAt: now,
      ...overrides,
    })
    .returning()
  return listing!
}

/** A YYYY-MM-DD date `days` from today (UTC). */
export function dateFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}
