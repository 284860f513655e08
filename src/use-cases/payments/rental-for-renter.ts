import { sql } from 'drizzle-orm'
import { runBatchNamed, selectRows } from '../../adapters/d1/client'
import { payments, rentals, type Payment, type Rental } from '../../adapters/d1/schema'
import { authorizeRental, type Actor } from '../../domain/access'
import type { Services } from '../context'

/**
 * The renter's rental and its payment (if one was initiated), read in one D1 round trip. The rental's owner
 * gets 403, anyone else 404 (not even its existence is revealed); the payment is only returned to the renter.
 */
export async function rentalForRenter(
  { db }: Pick<Services, 'db'>,
  user: Actor,
  rentalId: string,
): Promise<{ rental: Rental; payment: Payment | undefined }> {
  const read = await runBatchNamed(db, [], {
    rental: selectRows(db, rentals, sql`id = ${rentalId}`),
    payment: selectRows(db, payments, sql`rental_id = ${rentalId}`),
  })
  const rental = read.rental.results[0] as Rental | undefined
  authorizeRental(user, rental, 'pay')
  return { rental, payment: read.payment.results[0] as Payment | undefined }
}
