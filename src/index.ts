import { createApp } from './app'
import type { Bindings } from './env'

// Start-up evaluates this module and src/app.ts only: everything else is loaded by the first request (or
// cron run) that needs it (src/app.ts, API_GROUPS; docs/ARCHITECTURE.md, Loading on demand).
const app = createApp()

export default {
  fetch: app.fetch,

  /** Cron Trigger (wrangler.toml [triggers]): settles what lost webhooks and abandoned holds left behind. */
  async scheduled(controller, env, ctx) {
    const [{ loadSettings }, { createLogger }, { newId }, { createServices }, { reconcile }] =
      await Promise.all([
        import('./env'),
        import('./lib/logger'),
        import('./lib/ids'),
        import('./use-cases/context'),
        import('./use-cases/reconcile/reconcile'),
      ])
    const settings = loadSettings(env)
    const logger = createLogger({ request_id: newId('req'), cron: controller.cron }, settings.LOG_LEVEL)
    const clock = () => new Date(controller.scheduledTime)
    // On the binding, so on the primary: the cron decides money.
    ctx.waitUntil(reconcile(createServices(env, settings, logger, { clock })))
  },
} satisfies ExportedHandler<Bindings>
