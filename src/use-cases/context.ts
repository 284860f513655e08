import { createDb, type D1Client, type Database } from '../adapters/d1/client'
import { stripeClient, type StripeClient } from '../adapters/stripe/client'
import type { Bindings, Settings } from '../env'
import type { Logger } from '../lib/logger'

/**
 * What every use case takes, besides the actor and its input: built once per request and once per cron run,
 * so adding a dependency touches this type and createServices only.
 */
export interface Services {
  /** On the request's D1 session (read replication), opened at its first use; the primary for the cron. */
  readonly db: Database
  /** Made on first use (one client per isolate): most requests never talk to Stripe. */
  readonly stripe: StripeClient
  logger: Logger
  settings: Settings
  /** The current time; a test may fix it. */
  clock: () => Date
}

export function createServices(
  env: Bindings,
  settings: Settings,
  logger: Logger,
  {
    clock = () => new Date(),
    d1 = () => env.DB,
  }: {
    clock?: () => Date
    /** What the queries run on, asked for at the first one: a request's D1 session, else the binding. */
    d1?: () => D1Client
  } = {},
): Services {
  let db: Database | undefined
  return {
    get db() {
      return (db ??= createDb(d1()))
    },
    get stripe() {
      return stripeClient(env, settings)
    },
    logger,
    settings,
    clock,
  }
}
