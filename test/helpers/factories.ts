import { env } from 'cloudflare:test'
import { createDb } from '../../src/adapters/d1/client'
import { instruments, listings, payments, rentals, users } from '../../src/adapters/d1/schema'
import { loadSettings } from '../../src/env'
import { newId } from '../../src/lib/ids'
import { issueToken } from '../../src/lib/jwt'
import { hashPassword } from '../../src/lib/password'
import { nowIso } from '../../src/lib/time'
import { createLogger, type Logger } from '../../src/lib/logger'
import { createServices } from '../../src/use-cases/context'
import { testEnv } from './stripe-emulator'

export const db = createDb(env.DB)
export const settings = () => loadSettings(env)

/** What use cases take (Stripe through the emulator, a quiet logger), for calling them directly at a time. */
export const services = (options: { logger?: Logger; now?: Date | number } = {}) =>
  createServices(testEnv, settings(), options.logger ?? createLogger({ test: true }, 'error'), {
    clock: options.now === undefined ? undefined : () => new Date(options.now!),
  })
export const TEST_PASSWORD = 'correct horse battery staple'

// Factories use few PBKDF2 iterations so that seeding stays fast; the API itself always hashes with 100,000.
const fastHash = hashPassword(TEST_PASSWORD, 1_000)

export interface TestUser {
  id: string
  email: string
  role: 'user' | 'admin'
  token: string
}

export async function createUser(
  overrides: { role?: 'user' | 'admin'; email?: string } = {},
): Promise<TestUser> {
  const id = newId('usr')
  const email = overrides.email ?? `${id.toLowerCase()}@example.test`
  const role = overrides.role ?? 'user'
  const now = nowIso()
  await db.insert(users).values({
    id,
    email,
    name: `User ${id}`,
    passwordHash: await fastHash,
    role,
    createdAt: now,
    updatedAt: now,
  })
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

/** A rental written straight to D1 (any status), for tests that need a state the API reaches only via payment. */
export async function createRental(
  renter: TestUser,
  listing: typeof listings.$inferSelect,
  overrides: Partial<typeof rentals.$inferInsert> = {},
): Promise<typeof rentals.$inferSelect> {
  const now = nowIso()
  const startDate = overrides.startDate ?? dateFromToday(10)
  const endDate = overrides.endDate ?? dateFromToday(12)
  const days = Math.round((Date.parse(endDate) - Date.parse(startDate)) / 86_400_000)
  const [rental] = await db
    .insert(rentals)
    .values({
      id: newId('rnt'),
      listingId: listing.id,
      renterId: renter.id,
      ownerId: listing.ownerId,
      startDate,
      endDate,
      days,
      dailyRate: listing.dailyRate,
      amount: listing.dailyRate * days,
      currency: listing.currency,
      depositAmount: listing.depositAmount,
      status: 'pending',
      holdExpiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
      createdAt: now,
      updatedAt: now,
      ...overrides,
    })
    .returning()
  return rental!
}

/** A payment row for a rental, in the given status, written straight to D1. */
export async function createPaymentFor(
  rental: typeof rentals.$inferSelect,
  status: (typeof payments.$inferInsert)['status'],
): Promise<typeof payments.$inferSelect> {
  const now = nowIso()
  const platformFee = Math.round(rental.amount / 10)
  const [payment] = await db
    .insert(payments)
    .values({
      id: newId('pay'),
      rentalId: rental.id,
      renterId: rental.renterId,
      ownerId: rental.ownerId,
      amount: rental.amount,
      currency: rental.currency,
      status,
      platformFee,
      ownerPayoutAmount: rental.amount - platformFee,
      stripePaymentIntentId: `pi_test_${newId('pay').slice(4)}`,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
  return payment!
}
