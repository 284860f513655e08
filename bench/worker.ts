/**
 * The bench build of the API: the real app from src/app.ts plus reference routes that exist only here.
 *   GET  /__bench/json            a trivial JSON answer: the runtime's ceiling
 *   GET  /__bench/d1?id=pay_…      one primary-key read of a payment, returned as JSON: the storage floor
 *   GET  /__bench/page?user=usr_…  GET /api/payments' page query alone (both parties, 20 items) through the raw
 *                                  binding, no framework: the list's data cost, apart from the app's own
 *   GET  /__bench/hash?n=…         n PBKDF2-SHA256 derivations at the API's iteration count (CPU cost)
 *   ANY  /__bench/emulator/…       the Stripe emulator (as Stripe.js would reach it from a browser)
 * A request with `x-bench-meter: 1` runs on a metered D1 binding and answers its cost in headers
 * (x-bench-rows-read, x-bench-d1-calls, …). Unmetered requests use the bindings untouched.
 */
import { createApp } from '../src/app'
import { createDb } from '../src/adapters/d1/client'
import { jsonPageBody, pageForParties } from '../src/adapters/d1/pagination'
import { paymentList } from '../src/use-cases/payments/payment-json'
import type { Bindings } from '../src/env'
import { hashPassword, PBKDF2_MAX_ITERATIONS } from '../src/lib/password'
import { meteredD1, newMeter, type D1Meter } from './d1-meter'

const app = createApp()

async function storageFloor(db: D1Database, url: URL) {
  const row = await db.prepare('SELECT * FROM payments WHERE id = ?').bind(url.searchParams.get('id')).first()
  return row ? Response.json(row) : Response.json({ error: 'not found' }, { status: 404 })
}

/** The payments list's statement and page assembly with nothing around them (no routing, auth or headers). */
async function pageQueryAlone(env: Bindings, url: URL) {
  const page = await pageForParties(createDb(env.DB), paymentList, url.searchParams.get('user') ?? '', {
    limit: 20,
  })
  return new Response(jsonPageBody(page), { headers: { 'content-type': 'application/json' } })
}

async function hashes(url: URL) {
  const count = Math.min(Number(url.searchParams.get('n') ?? 1) || 1, 100)
  const started = Date.now()
  for (let i = 0; i < count; i++) await hashPassword('bench-password-0123456789', PBKDF2_MAX_ITERATIONS)
  // Inside workerd the clock may only advance on I/O; the runner also times the request from outside.
  return Response.json({ count, iterations: PBKDF2_MAX_ITERATIONS, in_worker_ms: Date.now() - started })
}

function toEmulator(env: Bindings, request: Request, url: URL) {
  if (!env.STRIPE_EMULATOR) return Response.json({ error: 'no STRIPE_EMULATOR binding' }, { status: 500 })
  const target = new URL(
    url.pathname.slice('/__bench/emulator'.length) + url.search,
    'https://stripe-emulator',
  )
  return env.STRIPE_EMULATOR.fetch(new Request(target, request))
}

function route(request: Request, env: Bindings, ctx: ExecutionContext): Response | Promise<Response> {
  const url = new URL(request.url)
  if (!url.pathname.startsWith('/__bench/')) return app.fetch(request, env, ctx)
  if (url.pathname === '/__bench/json') return Response.json({ ok: true })
  if (url.pathname === '/__bench/d1') return storageFloor(env.DB, url)
  if (url.pathname === '/__bench/page') return pageQueryAlone(env, url)
  if (url.pathname === '/__bench/hash') return hashes(url)
  if (url.pathname.startsWith('/__bench/emulator/')) return toEmulator(env, request, url)
  return Response.json({ error: 'no such bench route' }, { status: 404 })
}

function withMeter(response: Response, meter: D1Meter) {
  const metered = new Response(response.body, response)
  metered.headers.set('x-bench-rows-read', String(meter.rowsRead))
  metered.headers.set('x-bench-rows-written', String(meter.rowsWritten))
  metered.headers.set('x-bench-d1-calls', String(meter.calls))
  metered.headers.set('x-bench-d1-statements', String(meter.statements))
  metered.headers.set('x-bench-d1-write-calls', String(meter.writeCalls))
  return metered
}

export default {
  async fetch(request, env, ctx) {
    if (request.headers.get('x-bench-meter') !== '1') return route(request, env, ctx)
    // A fresh env per metered request (settings and the Stripe client are rebuilt for it): metered requests
    // are for counting, sent one at a time, never for timing.
    const meter = newMeter()
    const response = await route(request, { ...env, DB: meteredD1(env.DB, () => meter) }, ctx)
    return withMeter(response, meter)
  },
} satisfies ExportedHandler<Bindings>
