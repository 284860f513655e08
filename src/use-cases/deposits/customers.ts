import { and, eq, isNull, sql } from 'drizzle-orm'
import { prepareBuilt, runBatchNamed, selectRows } from '../../adapters/d1/client'
import { users, type User } from '../../adapters/d1/schema'
import { callStripe } from '../../adapters/stripe/client'
import { ApiError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'

/**
 * The renter's Stripe Customer, made the first time it is needed and stored on the user. Two first payments
 * at once make one: Stripe answers both with the same customer under the idempotency key made from the user
 * id, and the write only lands while the column is empty. Should the stored one differ (a key Stripe forgot
 * after 24 hours), the one just made is deleted and the stored one used.
 */
export async function stripeCustomerFor(
  deps: Pick<Services, 'db' | 'stripe' | 'logger' | 'clock'>,
  userId: string,
): Promise<string> {
  const user = await deps.db.query.users.findFirst({ where: eq(users.id, userId) })
  if (!user) throw new ApiError('user_not_found', 'User not found')
  if (user.stripeCustomerId) return user.stripeCustomerId
  const customer = await callStripe(() =>
    deps.stripe.customers.create(
      { email: user.email, name: user.name, metadata: { user_id: user.id } },
      { idempotencyKey: `backline:customer:${user.id}` },
    ),
  )
  // Stored unless a concurrent first payment stored its own first; the row read back in the same batch says.
  const read = await runBatchNamed(deps.db, [], {
    update: prepareBuilt(
      deps.db,
      deps.db
        .update(users)
        .set({ stripeCustomerId: customer.id, updatedAt: nowIso(deps.clock()) })
        .where(and(eq(users.id, user.id), isNull(users.stripeCustomerId))),
    ),
    user: selectRows(deps.db, users, sql`id = ${userId}`),
  })
  const id = (read.user.results[0] as User).stripeCustomerId!
  if (id !== customer.id) {
    await deps.stripe.customers.del(customer.id).catch((error: unknown) =>
      deps.logger.warn('could not delete a duplicate Stripe customer', {
        user_id: user.id,
        customer_id: customer.id,
        error: String(error),
      }),
    )
  }
  return id
}
