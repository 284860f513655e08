// `npm run bench`: the API in workerd (Miniflare, no wrangler dev proxy), local D1 seeded at two sizes, the
// Stripe emulator beside it; autocannon at fixed durations. Prints a table and writes bench-results/*.json.
//   BENCH_DURATION  seconds per endpoint (default 10)     BENCH_CONNECTIONS  (default 10)
//   BENCH_SIZES     rentals per data set (default 1000,100000)   BENCH_WARMUP  seconds before each (default 2)
//   BENCH_TMPDIR    where Miniflare keeps local D1 and Durable Object storage (default /dev/shm; see serve.mjs)
//   BENCH_ONLY      comma-separated substrings: load only the endpoints whose name contains one (costs are
//                   still measured for all), e.g. BENCH_ONLY=__bench,'GET /api/payments'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { hammer, runFlows } from './load.mjs'
import { benchDataSet, BENCH_PASSWORD } from './seed.mjs'
import {
  BENCH_SECRETS,
  benchToken,
  buildWorkers,
  seed,
  startServer,
  useStorageDirectory,
  workerdCpuMs,
} from './serve.mjs'

const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number)
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean)
const selected = (name) => !ONLY || ONLY.some((part) => name.includes(part))
const RETURN_URL = 'https://shop.example/rentals/return'
const DAY = 86_400_000

/** Every booking of a run gets its own (listing, dates), far in the future, so none is refused as taken. */
function bookings(listingIds) {
  let next = 0
  return () => {
    const n = next++
    const start = Date.now() + (400 + Math.floor(n / listingIds.length) * 2) * DAY
    const day = (ms) => new Date(ms).toISOString().slice(0, 10)
    return {
      listing_id: listingIds[n % listingIds.length],
      start_date: day(start),
      end_date: day(start + DAY),
    }
  }
}

function client(url) {
  const call = async (method, path, { auth, body, headers = {}, meter = false } = {}) => {
    const response = await fetch(url + path, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(meter ? { 'x-bench-meter': '1' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    const cost = meter
      ? {
          rows_read: Number(response.headers.get('x-bench-rows-read')),
          rows_written: Number(response.headers.get('x-bench-rows-written')),
          d1_calls: Number(response.headers.get('x-bench-d1-calls')),
          d1_statements: Number(response.headers.get('x-bench-d1-statements')),
          d1_write_calls: Number(response.headers.get('x-bench-d1-write-calls')),
        }
      : undefined
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`)
    return { status: response.status, body: text ? JSON.parse(text) : undefined, cost }
  }
  return call
}

/** The "browser" step of a payment: Stripe.js confirming the intent with a test card, here via the emulator. */
function payAtStripe(call, intentId) {
  return call('POST', `/__bench/emulator/v1/payment_intents/${intentId}/confirm`, {
    headers: {
      authorization: `Bearer ${BENCH_SECRETS.STRIPE_SECRET_KEY}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ payment_method: 'pm_card_visa', return_url: RETURN_URL }).toString(),
  })
}

async function pendingWebhook(call, intentId, type) {
  const { body } = await call('GET', '/__bench/emulator/_emulator/webhooks?status=pending')
  return body.data.find((delivery) => delivery.event_type === type && delivery.payload.includes(intentId))
}

/** The rows read, rows written and D1 round trips of one request of each kind (metered, one at a time). */
async function measureCosts(call, set, tokens, nextBooking) {
  const costs = {}
  const take = async (name, request) => {
    costs[name] = (await request()).cost
  }
  await take('GET /__bench/json', () => call('GET', '/__bench/json', { meter: true }))
  await take('GET /__bench/d1', () => call('GET', `/__bench/d1?id=${set.samplePayment}`, { meter: true }))
  await take('GET /api/payments', () =>
    call('GET', '/api/payments?limit=20', { auth: tokens.alice, meter: true }),
  )
  await take('GET /api/payments/{rental_id}', () =>
    call('GET', `/api/payments/${set.aliceRental}`, { auth: tokens.alice, meter: true }),
  )
  await take('GET /api/listings', () => call('GET', '/api/listings?limit=20', { meter: true }))
  await take('GET /api/rentals', () =>
    call('GET', '/api/rentals?limit=20', { auth: tokens.alice, meter: true }),
  )
  await take('POST /api/auth/login', () =>
    call('POST', '/api/auth/login', {
      body: { email: set.alice.email, password: BENCH_PASSWORD },
      meter: true,
    }),
  )

  // One booking paid through confirm, one through the webhook alone (confirm never called).
  for (const via of ['confirm', 'webhook']) {
    const booked = await call('POST', '/api/rentals', { auth: tokens.bob, body: nextBooking(), meter: true })
    if (via === 'confirm') costs['POST /api/rentals'] = booked.cost
    const initiated = await call('POST', `/api/payments/${booked.body.id}/initiate`, {
      auth: tokens.bob,
      meter: true,
    })
    if (via === 'confirm') costs['POST /api/payments/{rental_id}/initiate'] = initiated.cost
    const intentId = initiated.body.payment_intent_id
    await payAtStripe(call, intentId)
    if (via === 'confirm') {
      const body = { stripe_payment_intent_id: intentId }
      costs['POST /api/payments/{rental_id}/confirm'] = (
        await call('POST', `/api/payments/${booked.body.id}/confirm`, { auth: tokens.bob, body, meter: true })
      ).cost
    }
    const delivery = await pendingWebhook(call, intentId, 'payment_intent.succeeded')
    if (!delivery) throw new Error(`no payment_intent.succeeded webhook for ${intentId}`)
    const posted = await call('POST', '/api/webhooks/stripe', {
      body: delivery.payload,
      headers: { 'stripe-signature': delivery.signature },
      meter: true,
    })
    costs[via === 'confirm' ? 'POST /api/webhooks/stripe (repeat)' : 'POST /api/webhooks/stripe (applies)'] =
      {
        ...posted.cost,
        outcome: posted.body?.outcome,
      }
  }
  return costs
}

/** PBKDF2-SHA256 at 100,000 iterations inside workerd, timed from outside against the trivial route. */
async function measureHashing(call) {
  const time = async (path) => {
    const started = performance.now()
    const { body } = await call('GET', path)
    return { ms: performance.now() - started, body }
  }
  const runs = []
  for (let i = 0; i < 6; i++) {
    const baseline = (await time('/__bench/json')).ms
    const hashed = await time('/__bench/hash?n=10')
    runs.push({ per_hash_ms: (hashed.ms - baseline) / 10, in_worker_ms: hashed.body.in_worker_ms / 10 })
  }
  const sorted = runs
    .slice(1)
    .map((run) => run.per_hash_ms)
    .sort((a, b) => a - b)
  return {
    iterations: 100_000,
    runs: runs.slice(1),
    min_ms: sorted[0],
    median_ms: sorted[Math.floor(sorted.length / 2)],
  }
}

/** `flow` in 10 closed loops for the run's duration, as one row of the table. */
async function measureFlows(name, flow, rows) {
  if (WARMUP > 0) await runFlows({ flow, connections: CONNECTIONS, duration: WARMUP })
  const cpuBefore = workerdCpuMs()
  const flows = await runFlows({ flow, connections: CONNECTIONS, duration: DURATION })
  const cpuMs = cpuBefore === undefined ? undefined : workerdCpuMs() - cpuBefore
  rows.push({
    endpoint: name,
    requests_per_second: flows.flows_per_second,
    requests: flows.flows,
    p50_ms: flows.p50_ms,
    p99_ms: flows.p99_ms,
    max_ms: flows.max_ms,
    errors: flows.errors,
    first_error: flows.first_error,
    workerd_cpu_us_per_request: cpuMs === undefined ? undefined : (cpuMs * 1000) / flows.flows,
    unit: 'flows',
  })
  report(rows.at(-1))
}

async function benchSize(rentals) {
  const server = await startServer({
    onLog: (log) => log.level === 'error' && console.error(`[workerd] ${log.message}`),
    // The flow's 10 loops hold up to 10 unpaid rentals of bob's at once (wrangler.toml allows 3).
    bindings: { MAX_OPEN_HOLDS_PER_RENTER: '100' },
  })
  try {
    const set = benchDataSet(rentals)
    const seeded = performance.now()
    await seed(server.db, set.statements)
    console.log(
      `\n== ${rentals} rentals: seeded ${JSON.stringify(set.counts)} in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
    )
    const call = client(server.url)
    const tokens = { alice: await benchToken(set.alice), bob: await benchToken(set.bob) }
    const nextBooking = bookings(set.listingIds)
    const costs = await measureCosts(call, set, tokens, nextBooking)

    const authed = (auth) => ({ authorization: `Bearer ${auth}` })
    const targets = [
      { name: 'GET /__bench/json', path: '/__bench/json' },
      { name: 'GET /__bench/d1', path: `/__bench/d1?id=${set.samplePayment}` },
      { name: 'GET /api/payments', path: '/api/payments?limit=20', headers: authed(tokens.alice) },
      { name: 'GET /__bench/page', path: `/__bench/page?user=${set.alice.id}` },
      {
        name: 'GET /api/payments/{rental_id}',
        path: `/api/payments/${set.aliceRental}`,
        headers: authed(tokens.alice),
      },
      { name: 'GET /api/listings', path: '/api/listings?limit=20' },
      { name: 'GET /api/rentals', path: '/api/rentals?limit=20', headers: authed(tokens.alice) },
      {
        name: 'POST /api/rentals',
        method: 'POST',
        path: '/api/rentals',
        headers: { ...authed(tokens.bob), 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify(nextBooking()) }),
      },
    ]
    // The floor and the list once more at one connection: their service time without queueing in workerd.
    const oneByOne = targets
      .filter((target) => target.name === 'GET /__bench/d1' || target.name === 'GET /api/payments')
      .map((target) => ({ ...target, name: `${target.name} (1 connection)`, connections: 1 }))
    const rows = []
    for (const target of [...targets, ...oneByOne].filter((candidate) => selected(candidate.name))) {
      const options = { url: server.url, connections: CONNECTIONS, ...target }
      if (WARMUP > 0) await hammer({ ...options, duration: WARMUP })
      const cpuBefore = workerdCpuMs()
      const load = await hammer({ ...options, duration: DURATION })
      const cpuMs = cpuBefore === undefined ? undefined : workerdCpuMs() - cpuBefore
      const workerd_cpu_us_per_request = cpuMs === undefined ? undefined : (cpuMs * 1000) / load.requests
      rows.push({ endpoint: target.name, ...load, workerd_cpu_us_per_request, ...costs[target.name] })
      report(rows.at(-1))
    }

    const flow = async () => {
      const booked = await call('POST', '/api/rentals', { auth: tokens.bob, body: nextBooking() })
      const { body } = await call('POST', `/api/payments/${booked.body.id}/initiate`, { auth: tokens.bob })
      await payAtStripe(call, body.payment_intent_id)
      const confirmed = await call('POST', `/api/payments/${booked.body.id}/confirm`, {
        auth: tokens.bob,
        body: { stripe_payment_intent_id: body.payment_intent_id },
      })
      if (confirmed.body.status !== 'completed') throw new Error(`confirm answered ${confirmed.body.status}`)
    }
    const flowName = 'flow: book → initiate → pay (emulator) → confirm'
    if (selected(flowName)) await measureFlows(flowName, flow, rows)
    for (const [name, cost] of Object.entries(costs)) {
      if (!rows.some((row) => row.endpoint === name))
        rows.push({ endpoint: name, ...cost, unit: 'cost only' })
    }
    const hashing = rentals === SIZES[0] ? await measureHashing(call) : undefined
    return { rentals, counts: set.counts, rows, hashing }
  } finally {
    await server.mf.dispose()
  }
}

const fixed = (value, digits = 0) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–'
const pad = (text, width) => String(text).padStart(width)

function report(row) {
  console.log(
    `${row.endpoint.padEnd(52)} ${pad(fixed(row.requests_per_second), 7)}/s  p50 ${pad(fixed(row.p50_ms, 1), 6)} ms  p99 ${pad(fixed(row.p99_ms, 1), 6)} ms  errors ${pad(row.errors ?? '–', 4)}  workerd CPU ${pad(fixed(row.workerd_cpu_us_per_request), 5)} µs  rows read ${pad(row.rows_read ?? '–', 4)}  D1 calls ${pad(row.d1_calls ?? '–', 2)}`,
  )
  if (row.first_error) console.log(`    first error: ${row.first_error}`)
}

function summary(results) {
  const [small, large] = results
  const lines = ['\n== Rows read per request, by data-set size (target: ratio ≤ 1.2)']
  const header = `${'endpoint'.padEnd(44)} ${results.map((r) => pad(`${r.rentals}`, 8)).join(' ')}   ratio  D1 calls  write calls`
  lines.push(header)
  const verdicts = { rows_read: true }
  for (const row of small.rows) {
    if (row.rows_read === undefined) continue
    const other = large?.rows.find((candidate) => candidate.endpoint === row.endpoint)
    const ratio = other
      ? other.rows_read === 0 && row.rows_read === 0
        ? 1
        : other.rows_read / Math.max(row.rows_read, 1)
      : NaN
    if (ratio > 1.2) verdicts.rows_read = false
    lines.push(
      `${row.endpoint.padEnd(44)} ${results.map((r) => pad(r.rows.find((x) => x.endpoint === row.endpoint)?.rows_read ?? '–', 8)).join(' ')}   ${pad(fixed(ratio, 2), 5)}${ratio > 1.2 ? '!' : ' '} ${pad(row.d1_calls, 8)}  ${pad(row.d1_write_calls, 11)}`,
    )
  }
  lines.push('\n== Target: GET /api/payments ≥ 80% of the storage floor (GET /__bench/d1) req/s, p99 < 20 ms')
  verdicts.payments = true
  for (const result of results) {
    const floor = result.rows.find((row) => row.endpoint === 'GET /__bench/d1')
    const list = result.rows.find((row) => row.endpoint === 'GET /api/payments')
    if (!floor?.requests_per_second || !list?.requests_per_second) {
      verdicts.payments = false
      lines.push(`${pad(result.rentals, 7)} rentals: not loaded in this run (BENCH_ONLY)`)
      continue
    }
    const share = list.requests_per_second / floor.requests_per_second
    const met = share >= 0.8 && list.p99_ms < 20 && list.errors === 0
    verdicts.payments &&= met
    lines.push(
      `${pad(result.rentals, 7)} rentals: ${fixed(list.requests_per_second)}/s vs floor ${fixed(floor.requests_per_second)}/s = ${fixed(share * 100)}%, p99 ${fixed(list.p99_ms, 1)} ms → ${met ? 'met' : 'NOT met'}`,
    )
    // The list's own statement with nothing around it: how much of the gap is data rather than the app.
    const page = result.rows.find((row) => row.endpoint === 'GET /__bench/page')
    if (page?.requests_per_second) {
      lines.push(
        `${' '.repeat(16)}its statement alone (GET /__bench/page): ${fixed(page.requests_per_second)}/s = ${fixed((100 * page.requests_per_second) / floor.requests_per_second)}% of the floor, p99 ${fixed(page.p99_ms, 1)} ms`,
      )
    }
  }
  lines.push(`rows-read ratio ≤ 1.2 for every endpoint → ${verdicts.rows_read ? 'met' : 'NOT met'}`)
  const hashing = small.hashing
  if (hashing) {
    lines.push(
      `\n== PBKDF2-SHA256 ${hashing.iterations} iterations in workerd: median ${fixed(hashing.median_ms, 1)} ms, min ${fixed(hashing.min_ms, 1)} ms per hash (Workers CPU limit: 10 ms free, 30 s paid default)`,
    )
  }
  console.log(lines.join('\n'))
  return verdicts
}

const machine = {
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model,
  memory_gib: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  load_average_before: loadavg(),
}
console.log(
  `bench: ${machine.cpus} × ${machine.cpu_model}, node ${machine.node}, load ${machine.load_average_before.map((l) => l.toFixed(2)).join(' ')}`,
)
console.log(
  `       ${DURATION} s per endpoint (+${WARMUP} s warm-up) at ${CONNECTIONS} connections, sizes ${SIZES.join(', ')} rentals`,
)
machine.storage_directory = useStorageDirectory()
console.log(`       local D1 and Durable Object storage under ${machine.storage_directory}`)
await buildWorkers()
const results = []
for (const size of SIZES) results.push(await benchSize(size))
machine.load_average_after = loadavg()
const verdicts = summary(results)
mkdirSync('bench-results', { recursive: true })
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const output = {
  date: new Date().toISOString(),
  machine,
  settings: { DURATION, WARMUP, CONNECTIONS, SIZES },
  results,
  verdicts,
}
for (const file of [`bench-results/bench-${stamp}.json`, 'bench-results/latest.json']) {
  writeFileSync(file, JSON.stringify(output, null, 2))
}
console.log(
  `\nwrote bench-results/bench-${stamp}.json (and latest.json); load average after ${machine.load_average_after.map((l) => l.toFixed(2)).join(' ')}`,
)
