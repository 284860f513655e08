// `npm run soak`: concurrent renters booking and paying for the same listing (contention) and for different
// listings against a running `npm run dev`, bounded in time; owners and the admin refund some payments.
// Afterwards it checks the invariants in the local D1 and at the Stripe emulator and prints requests, errors
// by status, and violations (exit code 1 unless there are none).
//
//   SOAK_URL=http://localhost:8787   the API (`npm run dev`, or `npm run dev -- --port 8788`)
//   SOAK_SECONDS=30                  how long renters keep booking
//   SOAK_RENTERS=8                   concurrent renters
//   SOAK_EMULATOR_URL=http://localhost:12111   the emulator `npm run dev` serves on its own port (EMULATOR_PORT);
//                                    the script confirms PaymentIntents there as Stripe.js would, and reads
//                                    intents and charges for the invariants. The API reaches the same emulator
//                                    through its service binding, so the API's code is the production code.
//   SOAK_PERSIST_TO=                 the --persist-to of `npm run dev`, if it was given one
//   SOAK_SINCE=                      check the invariants for payments created since then (ISO time)
//
// The emulator pushes webhooks to its WEBHOOK_URL (http://localhost:8787/api/webhooks/stripe): on another
// port the API learns outcomes from the confirm calls only, which the invariants hold for as well.
//
// The mix includes Stripe's refund test cards (pm_card_refundFail: refunds answered succeeded, failed just
// after; pm_card_pendingRefund: refunds pending until the script settles them at the emulator) and injected
// Stripe hangs (late answers to refund creates and intent reads, SOAK_HANGS=0 to turn them off), so that
// webhooks overtake the API's own answers. Renters also cancel some rentals after initiating them.
import { spawnSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

const API = (process.env.SOAK_URL ?? 'http://localhost:8787').replace(/\/$/, '')
const SECONDS = Number(process.env.SOAK_SECONDS ?? 30)
const RENTERS = Number(process.env.SOAK_RENTERS ?? 8)
const EMULATOR = (
  process.env.SOAK_EMULATOR_URL ?? `http://localhost:${process.env.EMULATOR_PORT ?? 12111}`
).replace(/\/$/, '')
const STRIPE_KEY = 'sk_test_emulator_soak'
const DEMO_PASSWORD = 'backline-demo-password'
const CONTENDED_LISTING = 'lst_demoStrat0000000001'
const RUN = Date.now().toString(36)
// Far-away dates of this run for the uncontended bookings, so that a rerun does not collide with the last one.
const FAR_BASE = 400 + Math.floor(Math.random() * 1_000_000)
// Per-user limit is 300/min: a renter account is retired well before it (a new one is registered).
const REQUESTS_PER_RENTER = 120
const PASSWORD = 'soak-password-0123456789'
const HANGS = process.env.SOAK_HANGS !== '0'

const stats = { requests: 0, byRoute: new Map(), unexpected: [], latencies: [], emulatorRequests: 0 }
const counts = {
  booked: 0,
  contended: 0,
  contendedConflicts: 0,
  paid: 0,
  declined: 0,
  abandoned: 0,
  refunds: 0,
  doubleConfirms: 0,
  cancelled: 0,
  cancelRefusedPaid: 0,
  paidCancelled: 0,
  refundFailCards: 0,
  pendingRefundCards: 0,
  settled: 0,
  hangsInjected: 0,
}
let addressCounter = 0
const nextAddress = () => `198.51.${(++addressCounter >> 8) & 255}.${addressCounter & 255}`
const random = (n) => Math.floor(Math.random() * n)
const daysFromToday = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

/** One API call; counts it by route and status, and records it as unexpected unless its status is listed. */
async function call(method, path, { token, body, expect = [200] } = {}) {
  const headers = { 'cf-connecting-ip': nextAddress() }
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const started = performance.now()
  let status = 0
  let json
  try {
    const res = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    status = res.status
    json = await res.json().catch(() => undefined)
  } catch (error) {
    json = { network_error: String(error) }
  }
  stats.latencies.push(performance.now() - started)
  stats.requests++
  const route = `${method} ${path.replace(/(rnt|pay|lst|ins|usr)_[A-Za-z0-9]+/g, '{id}')}`
  const key = `${route} ${status}`
  stats.byRoute.set(key, (stats.byRoute.get(key) ?? 0) + 1)
  if (!expect.includes(status))
    stats.unexpected.push({ route, status, body: JSON.stringify(json)?.slice(0, 300) })
  return { status, body: json }
}

/** Stripe.js's confirmCardPayment, as the browser would do it (the emulator takes a test secret key). */
async function confirmInBrowser(intentId, clientSecret, paymentMethod) {
  stats.emulatorRequests++
  const res = await fetch(`${EMULATOR}/v1/payment_intents/${intentId}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${STRIPE_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      payment_method: paymentMethod,
      client_secret: clientSecret,
      return_url: 'https://soak.example/return',
    }),
  })
  return res.status
}

async function emulatorGet(path) {
  for (let attempt = 1; ; attempt++) {
    stats.emulatorRequests++
    try {
      const res = await fetch(`${EMULATOR}${path}`, { headers: { authorization: `Bearer ${STRIPE_KEY}` } })
      return { status: res.status, body: await res.json() }
    } catch (error) {
      // wrangler dev's proxy drops a connection now and then under load: the read is retried.
      if (attempt === 5) throw error
      await sleep(200 * attempt)
    }
  }
}

async function login(email) {
  const res = await call('POST', '/api/auth/login', { body: { email, password: DEMO_PASSWORD } })
  if (res.status !== 200)
    throw new Error(
      `login ${email}: ${res.status} ${JSON.stringify(res.body)} — is npm run dev running at ${API}?`,
    )
  return { id: res.body.user.id, token: res.body.token, uses: 0 }
}

let accounts = 0
async function register(kind) {
  const n = ++accounts
  const res = await call('POST', '/api/auth/register', {
    body: { email: `soak-${RUN}-${kind}-${n}@example.test`, password: PASSWORD, name: `Soak ${kind} ${n}` },
    expect: [201],
  })
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`)
  return { id: res.body.user.id, token: res.body.token, uses: 0 }
}

/** Each listing with the account that owns it (its refunds are that owner's to make). */
const listings = []

async function setUp() {
  const owner = await login('owner@backline.dev')
  const admin = await login('admin@backline.dev')
  const demo = await call('GET', `/api/listings?owner_id=${owner.id}&limit=100`)
  for (const listing of demo.body.data) listings.push({ id: listing.id, owner, amountOf: listing.daily_rate })
  if (!listings.some((l) => l.id === CONTENDED_LISTING))
    throw new Error('the demo listings are missing: run npm run dev')
  // More owners with a listing each, so that refunds spread over several accounts (300 requests/min each).
  // Each onboards a payout account first (at the emulator, as its onboarding page would): a listing is offered
  // for rent only when its owner can be paid.
  for (let i = 0; i < 3; i++) {
    const other = await register('owner')
    const account = await call('POST', '/api/me/payout-account', { token: other.token, expect: [201] })
    const enabled = await fetch(`${EMULATOR}/_emulator/accounts/${account.body.account_id}/enable`, {
      method: 'POST',
    })
    if (!enabled.ok) throw new Error(`onboarding ${account.body.account_id}: ${enabled.status}`)
    const instrument = await call('POST', '/api/instruments', {
      token: other.token,
      body: { name: `Soak bass ${i}`, category: 'bass' },
      expect: [201],
    })
    const listing = await call('POST', '/api/listings', {
      token: other.token,
      body: {
        instrument_id: instrument.body.id,
        title: `Soak bass ${i}`,
        daily_rate: 1_000 + 333 * i,
        currency: i === 2 ? 'jpy' : 'usd',
      },
      expect: [201],
    })
    listings.push({ id: listing.body.id, owner: other })
  }
  return { admin }
}

/** A renter (virtual user): books, pays, sometimes declines then retries, sometimes abandons. */
async function renterLoop(index, deadline, admin) {
  let renter = await register('renter')
  let iteration = 0
  const started = Date.now()
  while (Date.now() < deadline) {
    if (renter.uses >= REQUESTS_PER_RENTER) renter = await register('renter')
    iteration++
    const contended = Math.random() < 0.4
    const listing = contended
      ? listings.find((l) => l.id === CONTENDED_LISTING)
      : listings.filter((l) => l.id !== CONTENDED_LISTING)[random(listings.length - 1)]
    // The contended listing: everyone races for the same few days, a window that slides every 0.7 s.
    // Other listings: each renter has its own far-away dates, so bookings succeed unless someone else's hold.
    const start = contended
      ? 1 + Math.floor((Date.now() - started) / 700) + random(3)
      : FAR_BASE + index * 2_000 + iteration * 4
    const days = 1 + random(3)
    const booking = await call('POST', '/api/rentals', {
      token: renter.token,
      body: {
        listing_id: listing.id,
        start_date: daysFromToday(start),
        end_date: daysFromToday(start + days),
      },
      expect: [201, 409],
    })
    renter.uses++
    if (contended) counts.contended++
    if (booking.status === 409) {
      if (contended) counts.contendedConflicts++
      continue
    }
    if (booking.status !== 201) continue
    counts.booked++
    const paid = await pay(renter, booking.body)
    if (paid && Math.random() < 0.08) await cancelPaid(renter, listing, booking.body)
    else if (paid && Math.random() < 0.25)
      await refund(listing, paid, Math.random() < 0.3 ? admin : listing.owner)
  }
}

async function pay(renter, rental) {
  const card = Math.random()
  for (let attempt = 1; attempt <= 2; attempt++) {
    const started = await call('POST', `/api/payments/${rental.id}/initiate`, { token: renter.token })
    renter.uses += 2
    if (started.status !== 200) return undefined
    if (attempt === 1 && card < 0.04) {
      counts.abandoned++
      return undefined
    }
    if (attempt === 1 && card < 0.08) {
      // Paid in the browser or not, then cancelled: the intent is canceled at Stripe first.
      if (Math.random() < 0.5)
        await confirmInBrowser(started.body.payment_intent_id, started.body.client_secret, 'pm_card_visa')
      const cancel = await call('POST', `/api/rentals/${rental.id}/cancel`, {
        token: renter.token,
        expect: [200, 409],
      })
      renter.uses++
      if (cancel.status === 200) counts.cancelled++
      if (cancel.body?.code === 'rental_already_paid') counts.cancelRefusedPaid++
      else if (cancel.status === 409)
        stats.unexpected.push({ route: 'cancel', status: 409, body: JSON.stringify(cancel.body) })
      return undefined
    }
    const method =
      attempt === 1 && card < 0.16
        ? 'pm_card_chargeDeclined'
        : card > 0.9
          ? (counts.refundFailCards++, 'pm_card_refundFail')
          : card > 0.82
            ? (counts.pendingRefundCards++, 'pm_card_pendingRefund')
            : 'pm_card_visa'
    await confirmInBrowser(started.body.payment_intent_id, started.body.client_secret, method)
    const confirm = () =>
      call('POST', `/api/payments/${rental.id}/confirm`, {
        token: renter.token,
        body: { stripe_payment_intent_id: started.body.payment_intent_id },
        expect: [200, 402],
      })
    // Sometimes the client sends confirm twice at once (a double click): the transition is applied once.
    const answers =
      Math.random() < 0.1
        ? (counts.doubleConfirms++, await Promise.all([confirm(), confirm()]))
        : [await confirm()]
    const confirmed = answers[0]
    if (confirmed.status === 200) {
      counts.paid++
      return confirmed.body
    }
    if (confirmed.status === 402) counts.declined++
    else return undefined
  }
  return undefined
}

async function refund(listing, payment, by) {
  const partial = Math.random() < 0.5
  const amount = partial ? 1 + random(Math.max(1, payment.amount - 1)) : undefined
  const res = await call('POST', `/api/payments/${payment.id}/refund`, {
    token: by.token,
    body: amount === undefined ? undefined : { amount },
  })
  by.uses++
  if (res.status === 200) counts.refunds++
  await maybeSettle(res)
  if (res.status === 200 && partial && Math.random() < 0.5) {
    // A refund still pending at Stripe holds its amount: the rest may be refused (409 refund_in_progress
    // or 422 refund_exceeds_remaining), which is the right answer.
    const rest = await call('POST', `/api/payments/${payment.id}/refund`, {
      token: by.token,
      expect: [200, 409, 422],
    })
    if (rest.status === 200) counts.refunds++
    await maybeSettle(rest)
  }
}

/** A paid rental cancelled by its renter (the policy's refund) or its owner (a full one). */
async function cancelPaid(renter, listing, rental) {
  const by = Math.random() < 0.7 ? renter : listing.owner
  const res = await call('POST', `/api/rentals/${rental.id}/cancel`, { token: by.token, expect: [200] })
  by.uses++
  if (res.status === 200) counts.paidCancelled++
}

/** A pending refund (pm_card_pendingRefund) is settled at the emulator now and then, as Stripe would later. */
async function maybeSettle(res) {
  const refund = res.body?.refund
  if (res.status !== 200 || refund?.status !== 'pending' || !refund.stripe_refund_id) return
  if (Math.random() < 0.3) return // left for the end of the run
  await settle(refund.stripe_refund_id, Math.random() < 0.8 ? 'succeed' : 'fail')
}

async function settle(stripeRefundId, outcome) {
  stats.emulatorRequests++
  const post = () =>
    fetch(`${EMULATOR}/_emulator/refunds/${stripeRefundId}/settle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome }),
    })
  // A kept-alive connection the emulator closed while idle (the invariants' wrangler calls take seconds) fails
  // once with "other side closed": the request never reached it, so it is sent again.
  const res = await post().catch(post)
  if (res.ok) counts.settled++
}

/** Waits (at most 5 minutes) until the emulator has no webhook left to deliver; returns how many there were. */
async function drainWebhooks() {
  let first
  for (const started = Date.now(); Date.now() - started < 300_000;) {
    const { body } = await emulatorGet('/_emulator/webhooks?status=pending')
    first ??= body.data.length
    if (body.data.length === 0) return first
    await fetch(`${EMULATOR}/_emulator/webhooks/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ force: true }),
    })
    await sleep(1_000)
  }
  throw new Error('webhooks still pending at the emulator after 5 minutes')
}

/** Late answers from Stripe (it does the work, then answers after 1.5 s): webhooks overtake the API. */
async function injectHangs(deadline) {
  while (HANGS && Date.now() < deadline) {
    for (const [method, path_prefix] of [
      ['POST', '/v1/refunds'],
      ['GET', '/v1/payment_intents'],
      ['POST', '/v1/payment_intents'],
    ]) {
      stats.emulatorRequests++
      const res = await fetch(`${EMULATOR}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'hang', count: 1, method, path_prefix, hang_ms: 1_500 }),
      })
      if (res.ok) counts.hangsInjected++
    }
    await sleep(2_000)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Invariants

/** Reads the local D1 that `npm run dev` serves; retried while the dev server holds the write lock. */
async function d1(sql) {
  const args = ['d1', 'execute', 'DB', '--local', '--json', '--command', sql]
  if (process.env.SOAK_PERSIST_TO) args.push('--persist-to', process.env.SOAK_PERSIST_TO)
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync('wrangler', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    if (result.status === 0) return JSON.parse(result.stdout.slice(result.stdout.indexOf('[')))[0].results
    const output = `${result.stderr}${result.stdout}`
    if (!/SQLITE_BUSY|database is locked|internal error/.test(output) || attempt === 20) {
      throw new Error(`wrangler d1 execute failed: ${output.slice(0, 2000)}`)
    }
    await sleep(500 * attempt)
  }
}

async function mapConcurrently(items, limit, fn) {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (queue.length) await fn(queue.shift())
    }),
  )
}

async function checkInvariants(sinceIso) {
  const violations = []
  const add = (kind, detail) => violations.push({ kind, detail })

  for (const row of await d1(`SELECT a.id AS a, b.id AS b, a.listing_id, a.start_date AS a_start, a.end_date AS a_end,
      b.start_date AS b_start, b.end_date AS b_end FROM rentals a JOIN rentals b
      ON a.listing_id = b.listing_id AND a.id < b.id
      WHERE a.status IN ('pending', 'active', 'completed') AND b.status IN ('pending', 'active', 'completed')
        AND a.start_date < b.end_date AND b.start_date < a.end_date`)) {
    add('overlapping rentals', row)
  }
  for (const row of await d1(
    'SELECT id, amount, platform_fee, owner_payout_amount FROM payments WHERE platform_fee + owner_payout_amount != amount',
  )) {
    add('fee + payout ≠ amount', row)
  }
  for (const row of await d1(`SELECT p.id, p.amount, p.amount_refunded,
      COALESCE(SUM(CASE WHEN r.status = 'succeeded' THEN r.amount END), 0) AS succeeded_refunds
      FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id GROUP BY p.id
      HAVING p.amount_refunded > p.amount OR p.amount_refunded != succeeded_refunds OR p.amount_refunded < 0`)) {
    add('refunds above the amount or not the sum of succeeded refunds', row)
  }
  for (const row of await d1(`SELECT r.id FROM rentals r WHERE r.status = 'active'
      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.rental_id = r.id AND p.completed_at IS NOT NULL)`)) {
    add('active rental without a completed payment', row)
  }

  // At the emulator: every refund of this run has the status Stripe says (refunds only move forward).
  const runRefunds = await d1(`SELECT r.id, r.status, r.stripe_refund_id FROM refunds r
      JOIN payments p ON p.id = r.payment_id WHERE p.created_at >= '${sinceIso}' AND r.stripe_refund_id IS NOT NULL`)
  await mapConcurrently(runRefunds, 8, async (refund) => {
    const { status, body } = await emulatorGet(`/v1/refunds/${refund.stripe_refund_id}`)
    if (status !== 200) return add('refund unknown to Stripe', refund)
    if (body.status !== refund.status)
      add('refund status ≠ Stripe', { refund: refund.id, d1: refund.status, stripe: body.status })
  })
  // A cancelled rental never keeps more than its cancellation policy let it (refund_due; all when null),
  // unless the refund is on its way back or failed (the cron retries it).
  for (const row of await d1(`SELECT p.id, p.status, p.amount, p.amount_refunded, r.refund_due FROM payments p
      JOIN rentals r ON r.id = p.rental_id WHERE r.status = 'cancelled' AND p.created_at >= '${sinceIso}'
        AND p.completed_at IS NOT NULL AND p.amount_refunded < COALESCE(r.refund_due, p.amount)
        AND p.status <> 'refund_failed'
        AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.payment_id = p.id AND f.status IN ('pending', 'requires_action', 'failed'))`)) {
    add('cancelled rental charged and not refunded', row)
  }
  // Receipts and credit notes: each kind numbered 1..n with no gap or repeat, one per completed payment.
  for (const row of await d1(`SELECT kind, COUNT(*) AS issued, MAX(number) AS last FROM documents GROUP BY kind
      HAVING COUNT(*) <> MAX(number)`)) {
    add('document numbers with a gap', row)
  }
  for (const row of await d1(`SELECT p.id FROM payments p WHERE p.completed_at IS NOT NULL
        AND p.created_at >= '${sinceIso}'
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.kind = 'receipt' AND d.source_id = p.id)`)) {
    add('completed payment without a receipt', row)
  }
  // Every completed payment has its owner's payout (scheduled in the batch that completed it), and before its
  // release the payout is what the owner is owed.
  for (const row of await d1(`SELECT p.id FROM payments p WHERE p.completed_at IS NOT NULL
        AND p.created_at >= '${sinceIso}'
        AND NOT EXISTS (SELECT 1 FROM payouts po WHERE po.payment_id = p.id)`)) {
    add('completed payment without a payout', row)
  }
  for (const row of await d1(`SELECT po.id, po.amount, po.owed, p.owner_payout_amount FROM payouts po
        JOIN payments p ON p.id = po.payment_id WHERE p.created_at >= '${sinceIso}'
        AND (po.owed > p.owner_payout_amount OR (po.released_at IS NULL AND po.amount <> po.owed))`)) {
    add('payout not following what its owner is owed', row)
  }
  // And never refunds more than it owes.
  for (const row of await d1(`SELECT p.id, p.amount_refunded, r.refund_due FROM payments p
      JOIN rentals r ON r.id = p.rental_id WHERE r.status = 'cancelled' AND r.refund_due IS NOT NULL
        AND p.created_at >= '${sinceIso}' AND p.amount_refunded > r.refund_due`)) {
    add('cancelled rental refunded beyond what its policy owes', row)
  }

  // At the emulator: every payment of this run against its PaymentIntent (and charge), both ways.
  const runPayments = await d1(`SELECT id, rental_id, amount, currency, status, amount_refunded, completed_at,
      stripe_payment_intent_id, stripe_charge_id FROM payments
      WHERE created_at >= '${sinceIso}' AND stripe_payment_intent_id IS NOT NULL`)
  await mapConcurrently(runPayments, 8, async (payment) => {
    const { status, body: intent } = await emulatorGet(
      `/v1/payment_intents/${payment.stripe_payment_intent_id}`,
    )
    if (status !== 200)
      return add('payment without its PaymentIntent at Stripe', { payment: payment.id, status })
    if (payment.completed_at) {
      if (intent.status !== 'succeeded')
        add('completed payment whose intent has not succeeded', {
          payment: payment.id,
          intent: intent.status,
        })
      if (intent.amount !== payment.amount || intent.currency !== payment.currency) {
        add('completed payment whose intent differs in amount or currency', {
          payment,
          intent: { amount: intent.amount, currency: intent.currency },
        })
      }
      if (intent.metadata?.payment_id !== payment.id)
        add('intent of another payment', { payment: payment.id, metadata: intent.metadata })
      const charge = await emulatorGet(`/v1/charges/${payment.stripe_charge_id}`)
      if (charge.status !== 200) add('completed payment without its charge', { payment: payment.id })
      else if (charge.body.amount_refunded !== payment.amount_refunded) {
        add('refunded at Stripe ≠ refunded in D1', {
          payment: payment.id,
          stripe: charge.body.amount_refunded,
          d1: payment.amount_refunded,
        })
      }
    } else if (intent.status === 'succeeded') {
      add('succeeded at Stripe but not completed in D1 (a lost payment)', {
        payment: payment.id,
        status: payment.status,
      })
    }
  })
  return { violations, checkedPayments: runPayments.length }
}

// ---------------------------------------------------------------------------------------------------------

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0
}

async function main() {
  // SOAK_SINCE (with SOAK_SECONDS=0): check the payments of an earlier run again, e.g. after its webhooks landed.
  const since = process.env.SOAK_SINCE ?? new Date().toISOString()
  const { admin } = await setUp()
  // The emulator behind the port must be the API's own: check with one PaymentIntent.
  const probeRenter = await register('renter')
  const probeListing = listings.find((l) => l.id !== CONTENDED_LISTING)
  const probe = await call('POST', '/api/rentals', {
    token: probeRenter.token,
    body: { listing_id: probeListing.id, start_date: daysFromToday(300), end_date: daysFromToday(301) },
    expect: [201, 409],
  })
  if (probe.status === 201) {
    const started = await call('POST', `/api/payments/${probe.body.id}/initiate`, {
      token: probeRenter.token,
    })
    const seen = await emulatorGet(`/v1/payment_intents/${started.body.payment_intent_id}`)
    if (seen.status !== 200) {
      throw new Error(
        `${EMULATOR} is not the emulator ${API} talks to (another wrangler dev registered "stripe-emulator"?)`,
      )
    }
  }

  console.log(
    `soak: ${RENTERS} renters for ${SECONDS}s against ${API} (emulator ${EMULATOR}), ${listings.length} listings`,
  )
  const began = Date.now()
  const deadline = began + SECONDS * 1000
  await Promise.all([
    ...Array.from({ length: RENTERS }, (_, i) => renterLoop(i, deadline, admin)),
    injectHangs(deadline),
  ])
  const elapsed = (Date.now() - began) / 1000
  await fetch(`${EMULATOR}/_emulator/faults`, { method: 'DELETE' })
  // Refunds still pending at Stripe are settled now, as Stripe would in the end.
  for (const { stripe_refund_id } of await d1(
    `SELECT stripe_refund_id FROM refunds WHERE status = 'pending' AND stripe_refund_id IS NOT NULL AND created_at >= '${since}'`,
  )) {
    await settle(stripe_refund_id, 'succeed')
  }
  // Let webhook deliveries catch up before reading the final state: the emulator sends them one at a time.
  const backlog = await drainWebhooks()
  const { violations, checkedPayments } = await checkInvariants(since)

  const errorsByStatus = {}
  for (const [key, n] of stats.byRoute) {
    const status = Number(key.split(' ').at(-1))
    if (status >= 400 || status === 0) errorsByStatus[status] = (errorsByStatus[status] ?? 0) + n
  }
  console.log(
    `\nrequests: ${stats.requests} to the API in ${elapsed.toFixed(1)}s (${(stats.requests / elapsed).toFixed(0)}/s), ${stats.emulatorRequests} to the emulator`,
  )
  console.log(
    `latency: p50 ${percentile(stats.latencies, 50).toFixed(0)} ms, p95 ${percentile(stats.latencies, 95).toFixed(0)} ms, p99 ${percentile(stats.latencies, 99).toFixed(0)} ms`,
  )
  console.log(`flows: ${JSON.stringify(counts)}`)
  console.log(
    `webhooks waiting for delivery when the renters stopped: ${backlog} (all delivered before the checks)`,
  )
  console.log('by route and status:')
  for (const [key, n] of [...stats.byRoute].sort()) console.log(`  ${key.padEnd(48)} ${n}`)
  console.log(
    `errors by status: ${JSON.stringify(errorsByStatus)} (409 = contention on a taken date range, 402 = test card declined: expected)`,
  )
  console.log(`unexpected answers: ${stats.unexpected.length}`)
  for (const u of stats.unexpected.slice(0, 10)) console.log(`  ${u.route} ${u.status} ${u.body}`)
  console.log(
    `invariants: checked in D1 (all rows) and at the emulator (${checkedPayments} payments of this run)`,
  )
  console.log(`violations: ${violations.length}`)
  for (const v of violations.slice(0, 20)) console.log(`  ${v.kind}: ${JSON.stringify(v.detail)}`)
  process.exit(violations.length === 0 && stats.unexpected.length === 0 ? 0 : 1)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
