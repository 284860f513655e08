import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import type { Logger } from '../../src/lib/logger'
import { reconcile } from '../../src/use-cases/reconcile/reconcile'
import { services } from './factories'
import { testEnv } from './stripe-emulator'

/** Runs the Cron Trigger's handler exactly as the runtime would, at a given time (default now). */
export async function runCron(scheduledTime = Date.now()) {
  const ctx = createExecutionContext()
  await worker.scheduled(createScheduledController({ scheduledTime, cron: '*/5 * * * *' }), testEnv, ctx)
  await waitOnExecutionContext(ctx)
}

/** One reconcile run at `time`, as the cron makes it, keeping its report and its error log lines. */
export async function reconcileAt(time: number) {
  const errors: { message: string; fields?: Record<string, unknown> }[] = []
  const logger: Logger = {
    log: (level, message, fields) => void (level === 'error' && errors.push({ message, fields })),
    info: () => {},
    warn: () => {},
    error: (message, fields) => void errors.push({ message, fields }),
  }
  const report = await reconcile(services({ logger, now: time }))
  return { report, errors }
}
