import { eq } from 'drizzle-orm'
import type { Services } from './context'
import { users } from '../adapters/d1/schema'
import type { AuthUser } from '../env'
import { ApiError } from '../lib/errors'
import { jsonMapper, type JsonOf } from '../adapters/d1/json-columns'
import { newId } from '../lib/ids'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../lib/password'
import { nowIso } from '../lib/time'
import type { User } from '../adapters/d1/schema'

/** A user as the API shows it (never the password hash): JSON key → column, in answer order. */
export const publicUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  created_at: users.createdAt,
}

export type PublicUser = JsonOf<typeof publicUserColumns>

export const toPublicUser = jsonMapper<typeof publicUserColumns, User>(users, publicUserColumns)

export async function registerUser(
  { db }: Services,
  input: { email: string; password: string; name: string },
) {
  const now = nowIso()
  const user: User = {
    id: newId('usr'),
    email: input.email.toLowerCase(),
    name: input.name,
    passwordHash: await hashPassword(input.password),
    externalSubject: null,
    role: 'user',
    stripeCustomerId: null,
    createdAt: now,
    updatedAt: now,
  }
  // The unique index decides a race between two registrations of one email, not a read before the write.
  const inserted = await db.insert(users).values(user).onConflictDoNothing().returning({ id: users.id })
  if (inserted.length === 0) {
    throw new ApiError('email_taken', 'An account with this email already exists', {
      errors: [{ path: 'body.email', message: 'Already registered' }],
    })
  }
  return user
}

export async function authenticateUser({ db }: Services, email: string, password: string): Promise<User> {
  const user = await db.query.users.findFirst({ where: eq(users.email, email.toLowerCase()) })
  // Hash even when the user is unknown, so that response time does not reveal which emails exist.
  const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)
  if (!user || !user.passwordHash || !valid) {
    throw new ApiError('invalid_credentials', 'Email or password is incorrect')
  }
  return user
}

export async function getUser({ db }: Services, id: string): Promise<User> {
  const user = await db.query.users.findFirst({ where: eq(users.id, id) })
  if (!user) throw new ApiError('user_not_found', 'User not found')
  return user
}

/** Maps an external identity provider's subject to a local user, creating it on first sight. */
export async function findOrCreateExternalUser(
  { db }: Services,
  subject: string,
  email?: string,
): Promise<AuthUser> {
  const existing = await db.query.users.findFirst({ where: eq(users.externalSubject, subject) })
  if (existing) return { id: existing.id, email: existing.email, role: existing.role }
  if (!email) throw new ApiError('invalid_token', 'External token must carry an email claim on first sign-in')
  const now = nowIso()
  await db
    .insert(users)
    .values({
      id: newId('usr'),
      email: email.toLowerCase(),
      name: email,
      passwordHash: null,
      externalSubject: subject,
      role: 'user',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
  const created = await db.query.users.findFirst({ where: eq(users.externalSubject, subject) })
  if (!created) throw new ApiError('email_taken', 'An account with this email already exists')
  return { id: created.id, email: created.email, role: created.role }
}
