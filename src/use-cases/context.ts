import type Stripe from 'stripe'
import { createDb, type Database } from '../adapters/d1/client'
import { stripeClient } from '../adapters/stripe/client'
import type { Bindings, Settings } from '../env'
import type { Logger } from '../lib/logger'

/**
 * What every use case takes, besides the actor and its input: built once per request and once per cron run,
 * so adding a dependency touches this type and createServices only.
 */
export interface Services {
  db: Database
  /** Made on first use (one client per isolate): most requests never talk to Stripe. */
  readonly stripe: Stripe
  logger: Logger
  settings: Settings
  /** The current time; a test may fix it. */
  clock: () => Date
}

export function createServices(
  env: Bindings,
  settings: Settings,
  logger: Logger,
  clock: () => Date = () => new Date(),
): Services {
  return {
    db: createDb(env.DB),
    get stripe() {
      return stripeClient(env, settings)
    },
    logger,
    settings,
    clock,
  }
}
