import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env'
import { stripeClient } from '../services/stripe'

/** Puts the Stripe client on the context, only for the routes that talk to Stripe. */
export const withStripe = createMiddleware<AppEnv>(async (c, next) => {
  c.set('stripe', stripeClient(c.env, c.var.settings))
  await next()
})
