import { createApp } from './app'
import { createServices } from './use-cases/context'
import { loadSettings, type Bindings } from './env'
import { createLogger } from './lib/logger'
import { newId } from './lib/ids'
import { reconcile } from './use-cases/reconcile/reconcile'

const app = createApp()

export default {
  fetch: app.fetch,

  /** Cron Trigger (wrangler.toml [triggers]): settles what lost webhooks and abandoned holds left behind. */
  async scheduled(controller, env, ctx) {
    const settings = loadSettings(env)
    const logger = createLogger({ request_id: newId('req'), cron: controller.cron }, settings.LOG_LEVEL)
    const clock = () => new Date(controller.scheduledTime)
    // On the binding, so on the primary: the cron decides money.
    ctx.waitUntil(reconcile(createServices(env, settings, logger, { clock })))
  },
} satisfies ExportedHandler<Bindings>
