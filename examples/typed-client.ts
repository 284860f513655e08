// docs/INTEGRATION.md, "A typed client": book a listing and start paying for it, with hono/client's typed
// client over Backline's route types. CI type-checks this file (tsconfig.json) and runs it against the API
// (test/cross-cutting/typed-client.test.ts).
import { hc } from 'hono/client'
import type { AppType } from '../src/routes/api'
import type { Problem } from '../src/lib/errors'

export const backline = (baseUrl: string, token: string, fetch?: typeof globalThis.fetch) =>
  hc<AppType>(baseUrl, { headers: { authorization: `Bearer ${token}` }, fetch })

/** A problem+json answer (every error: docs/API.md); hono/client types the successful answers only. */
const problemOf = async (response: { json(): Promise<unknown> }) => (await response.json()) as Problem

/** What the checkout page needs to mount Stripe's Payment Element for a new booking. */
export async function bookAndStartPaying(
  api: ReturnType<typeof backline>,
  booking: { listingId: string; startDate: string; endDate: string },
) {
  const booked = await api.api.rentals.$post({
    json: { listing_id: booking.listingId, start_date: booking.startDate, end_date: booking.endDate },
  })
  if (!booked.ok) throw new Error(`booking refused: ${(await problemOf(booked)).code}`)
  const rental = await booked.json() // the Rental: id, amount, currency, hold_expires_at, …

  const initiated = await api.api.payments[':rental_id'].initiate.$post({
    param: { rental_id: rental.id },
  })
  if (!initiated.ok) throw new Error(`payment refused: ${(await problemOf(initiated)).code}`)
  const payment = await initiated.json() // client_secret, stripe_public_key, amount, currency, …

  return {
    rentalId: rental.id,
    holdExpiresAt: rental.hold_expires_at,
    amount: payment.amount,
    currency: payment.currency,
    clientSecret: payment.client_secret,
    publishableKey: payment.stripe_public_key,
  }
}
