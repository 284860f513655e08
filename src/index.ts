import { createApp } from './app'
import { createDb } from './db/client'
import { loadSettings, type Bindings } from './env'
import { createLogger } from './lib/logger'
import { newId } from './lib/ids'
import { reconcile } from './services/reconcile'
import { stripeClient } from './services/stripe'

const app = createApp()

export default {
  fetch: app.fetch,

  /** Cron Trigger (wrangler.toml [triggers]): settles what lost webhooks and abandoned holds left behind. */
  async scheduled(controller, env, ctx) {
    const settings = loadSettings(env)
    const logger = createLogger({ request_id: newId('req'), cron: controller.cron }, settings.LOG_LEVEL)
    ctx.waitUntil(
      reconcile(
        {
          db: createDb(env.DB),
          stripe: stripeClient(env, settings),
          logger,
          staleAfterMinutes: settings.RECONCILE_AFTER_MINUTES,
        },
        new Date(controller.scheduledTime),
      ),
    )
  },
} satisfies ExportedHandler<Bindings>
