import type { Schema } from 'hono'
import type { Router } from './openapi'
import * as account from './groups/account'
import * as admin from './groups/admin'
import * as damageClaims from './groups/damage-claims'
import * as instruments from './groups/instruments'
import * as listings from './groups/listings'
import * as payments from './groups/payments'
import * as payouts from './groups/payouts'
import * as rentals from './groups/rentals'
import * as webhooks from './groups/webhooks'

/**
 * The whole JSON API on one router: for the OpenAPI document, and for its type, `AppType`, which holds every
 * route with its validated input and typed answers (hono/client's typed client, docs/INTEGRATION.md). Requests
 * do not go through it: the app builds each group of routes (src/routes/groups/) at its first request
 * (src/app.ts, API_GROUPS).
 */
export function mountApi<S extends Schema>(app: Router<S>) {
  // Each step returns the router with its routes added to the type, so each group mounts on the one before.
  const withAccount = account.mount(app)
  const withPayments = payments.mount(withAccount)
  const withWebhooks = webhooks.mount(withPayments)
  const withInstruments = instruments.mount(withWebhooks)
  const withListings = listings.mount(withInstruments)
  const withRentals = rentals.mount(withListings)
  const withClaims = damageClaims.mount(withRentals)
  const withAdmin = admin.mount(withClaims)
  return payouts.mount(withAdmin)
}

/** The API's type for `hc<AppType>(baseUrl)` from hono/client (examples/typed-client.ts). */
export type AppType = ReturnType<typeof mountApi<{}>>
