import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { countingD1 } from '../../bench/d1-meter'
import type { createApp } from '../../src/app'

/**
 * One request through `app` on a metered D1 binding, its waitUntil work included: the status, the body read
 * to the end, and the rows D1 read and the calls made for it.
 */
export async function metered(app: ReturnType<typeof createApp>, request: Request) {
  const { db, meter } = countingD1(env.DB)
  const ctx = createExecutionContext()
  const response = await app.fetch(request, { ...env, DB: db }, ctx)
  const text = await response.text()
  await waitOnExecutionContext(ctx)
  return { status: response.status, text, rowsRead: meter.rowsRead, calls: meter.calls }
}
