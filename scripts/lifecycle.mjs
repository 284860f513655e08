// `npm run lifecycle`: the whole payment lifecycle against a running `npm run dev`, no Stripe account needed.
// Logs in the seeded demo users, books, pays with Stripe's test card at the emulator (as Stripe.js would),
// confirms, refunds part then all, and shows the signed webhooks the emulator delivered.
const API = process.env.API_URL ?? 'http://localhost:8787'
const STRIPE = process.env.EMULATOR_URL ?? 'http://localhost:12111'
const STRIPE_KEY = process.env.STRIPE_SECRET_KEY ?? 'sk_test_emulator_backline_dev'

async function call(method, path, { token, body, base = API } = {}) {
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) })
  const json = await response.json()
  console.log(`${method} ${path} → ${response.status}`)
  if (!response.ok && response.status !== 202) throw new Error(JSON.stringify(json, null, 2))
  return json
}

const login = async (email) =>
  (await call('POST', '/api/auth/login', { body: { email, password: 'backline-demo-password' } })).token

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const show = (label, value) => console.log(`  ${label}:`, JSON.stringify(value))

const owner = await login('owner@backline.dev')
const renter = await login('renter@backline.dev')
const start = 60 + Math.floor(Math.random() * 300)
const rental = await call('POST', '/api/rentals', {
  token: renter,
  body: { listing_id: 'lst_demoStrat0000000001', start_date: day(start), end_date: day(start + 3) },
})
show('rental', { id: rental.id, amount: rental.amount, currency: rental.currency, status: rental.status })

const initiated = await call('POST', `/api/payments/${rental.id}/initiate`, { token: renter })
show('initiated', initiated)

// What Stripe.js does in the browser with the client secret: confirm the intent with a card.
const form = new URLSearchParams({ payment_method: 'pm_card_visa', return_url: 'https://example.com/return' })
const confirmedAtStripe = await fetch(`${STRIPE}/v1/payment_intents/${initiated.payment_intent_id}/confirm`, {
  method: 'POST',
  headers: { authorization: `Bearer ${STRIPE_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: form,
}).then((r) => r.json())
show('PaymentIntent at Stripe', { id: confirmedAtStripe.id, status: confirmedAtStripe.status })

const payment = await call('POST', `/api/payments/${rental.id}/confirm`, {
  token: renter,
  body: { stripe_payment_intent_id: initiated.payment_intent_id },
})
show('payment', {
  status: payment.status,
  amount: payment.amount,
  platform_fee: payment.platform_fee,
  owner_payout_amount: payment.owner_payout_amount,
})
show('rental now', (await call('GET', `/api/rentals/${rental.id}`, { token: renter })).status)

const partial = await call('POST', `/api/payments/${payment.id}/refund`, {
  token: owner,
  body: { amount: 1000 },
})
show('after a partial refund', {
  status: partial.payment.status,
  amount_refunded: partial.payment.amount_refunded,
})
const full = await call('POST', `/api/payments/${payment.id}/refund`, { token: owner, body: {} })
show('after the full refund', { status: full.payment.status, amount_refunded: full.payment.amount_refunded })
show('rental now', (await call('GET', `/api/rentals/${rental.id}`, { token: renter })).status)

await new Promise((resolve) => setTimeout(resolve, 1500))
const deliveries = await fetch(`${STRIPE}/_emulator/webhooks`).then((r) => r.json())
console.log('signed webhooks delivered by the emulator for this payment:')
for (const delivery of deliveries.data.filter((d) => d.payload.includes(initiated.payment_intent_id))) {
  console.log(`  ${delivery.event_type.padEnd(28)} ${delivery.status} (HTTP ${delivery.last_http_status})`)
}
