// `npm run lifecycle`: the whole payment lifecycle against a running `npm run dev`, no Stripe account needed.
// A new owner onboards a payout account through the emulator's onboarding page and lists a guitar; the demo
// renter books it, pays with Stripe's test card at the emulator (as Stripe.js would) and confirms; the cron,
// run at the rental's start date, releases the owner's payout as a Stripe Transfer; a partial refund after
// release takes the owner's share back; the earnings statement adds up to the cent; then the signed webhooks
// the emulator delivered.
//   API_URL, EMULATOR_URL, STRIPE_SECRET_KEY: see lifecycle-support.mjs
import {
  API,
  check,
  day,
  login as loginWith,
  runScheduled,
  show,
  step,
  STRIPE,
  STRIPE_KEY,
} from './lifecycle-support.mjs'
// Where onboarding sends the owner back: a frontend origin of PAYOUT_ONBOARDING_ORIGINS (nothing needs to
// listen there; the script reads the redirect).
const FRONTEND = 'http://localhost:5173'

async function call(method, path, { token, body, base = API, accept } = {}) {
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  if (accept) headers.accept = accept
  const response = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) })
  const type = response.headers.get('content-type') ?? ''
  const answer = type.includes('json') ? await response.json() : await response.text()
  console.log(`${method} ${path} → ${response.status}`)
  if (!response.ok && response.status !== 202) throw new Error(JSON.stringify(answer, null, 2))
  return answer
}

/** A Stripe API call at the emulator (form-encoded, as the SDK sends them); `account` sets Stripe-Account. */
async function stripe(method, path, { form, account } = {}) {
  const headers = { authorization: `Bearer ${STRIPE_KEY}` }
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded'
  if (account) headers['stripe-account'] = account
  const response = await fetch(STRIPE + path, { method, headers, body: form && new URLSearchParams(form) })
  return response.json()
}

const login = (email) => loginWith(call, email)

/** Runs the cron with its clock at `time`. */
async function cronAt(time) {
  const response = await runScheduled(time)
  console.log(`cron at ${new Date(time).toISOString()} → ${response.status} ${await response.text()}`)
}

/** Reads the owner's payout of a payment until `until` says it is there (the cron's work ends after its answer). */
async function payoutOf(token, paymentId, until = () => true) {
  for (let tries = 0; ; tries++) {
    const page = await call('GET', '/api/payouts', { token })
    const payout = page.data.find((candidate) => candidate.payment_id === paymentId)
    if ((payout && until(payout)) || tries === 20) return payout
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

step('an owner signs up and onboards a payout account (a Stripe Express account) on the onboarding page')
const email = `owner-${Date.now()}@lifecycle.example`
const registered = await call('POST', '/api/auth/register', {
  body: { email, password: 'backline-demo-password', name: 'Lena Lifecycle' },
})
const owner = registered.token
const created = await call('POST', '/api/me/payout-account', { token: owner })
show('payout account', {
  id: created.account_id,
  status: created.status,
  requirements_due: created.requirements_due.length,
})
const link = await call('POST', '/api/me/payout-account/onboarding-link', {
  token: owner,
  body: { return_url: `${FRONTEND}/owner/payouts/done`, refresh_url: `${FRONTEND}/owner/payouts/again` },
})
show('onboarding link', link)
// What the owner's browser does: open the page, submit its form (prefilled test details, the agreement ticked).
const page = await fetch(link.url).then((response) => response.text())
show('onboarding page', page.match(/<title>([^<]*)<\/title>/)?.[1])
const submitted = await fetch(link.url, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ first_name: 'Lena', last_name: 'Lifecycle', email, tos: 'accept' }),
  redirect: 'manual',
})
show('submitted: back to', `${submitted.status} ${submitted.headers.get('location')}`)
const account = await call('GET', '/api/me/payout-account', { token: owner })
show('payout account now', { status: account.status, payouts_enabled: account.payouts_enabled })
check('the account can receive transfers', account.status === 'enabled')

step('the owner lists a guitar (offered for rent: their account can be paid)')
const instrument = await call('POST', '/api/instruments', {
  token: owner,
  body: { name: 'Gibson ES-335', category: 'guitar', brand: 'Gibson', model: 'ES-335' },
})
const listing = await call('POST', '/api/listings', {
  token: owner,
  body: { instrument_id: instrument.id, title: 'ES-335, cherry', daily_rate: 2_999, currency: 'usd' },
})
show('listing', { id: listing.id, daily_rate: listing.daily_rate, active: listing.active })

step('the demo renter books it and pays')
const renter = await login('renter@backline.dev')
const start = 30 + Math.floor(Math.random() * 300)
const rental = await call('POST', '/api/rentals', {
  token: renter,
  body: { listing_id: listing.id, start_date: day(start), end_date: day(start + 3) },
})
show('rental', { id: rental.id, amount: rental.amount, start_date: rental.start_date, status: rental.status })
const initiated = await call('POST', `/api/payments/${rental.id}/initiate`, { token: renter })
// What Stripe.js does in the browser with the client secret: confirm the intent with a card.
const confirmedAtStripe = await stripe('POST', `/v1/payment_intents/${initiated.payment_intent_id}/confirm`, {
  form: { payment_method: 'pm_card_visa', return_url: 'https://example.com/return' },
})
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
const scheduled = await payoutOf(owner, payment.id)
show('payout', {
  id: scheduled.id,
  status: scheduled.status,
  amount: scheduled.amount,
  scheduled_for: scheduled.scheduled_for,
})
check(
  'scheduled for the owner share, at 00:00 on the start date',
  scheduled.status === 'scheduled' &&
    scheduled.amount === payment.owner_payout_amount &&
    scheduled.scheduled_for === `${rental.start_date}T00:00:00.000Z`,
)

step('the cron: the day before the start nothing is due; on the start date the payout is released')
const due = Date.parse(scheduled.scheduled_for)
await cronAt(due - 86_400_000)
check('still scheduled the day before', (await payoutOf(owner, payment.id)).status === 'scheduled')
await cronAt(due + 5 * 60_000)
const released = await payoutOf(owner, payment.id, (payout) => payout.status === 'released')
show('payout', {
  status: released.status,
  released_at: released.released_at,
  stripe_transfer_id: released.stripe_transfer_id,
})
const transfer = await stripe('GET', `/v1/transfers/${released.stripe_transfer_id}`)
show('Transfer at Stripe', {
  amount: transfer.amount,
  destination: transfer.destination,
  source_transaction: transfer.source_transaction,
  transfer_group: transfer.transfer_group,
})
const balanceOf = async () =>
  (await stripe('GET', '/v1/balance', { account: created.account_id })).available.find(
    (b) => b.currency === 'usd',
  )?.amount ?? 0
show("owner's Stripe balance", await balanceOf())
check(
  'released to the owner account, from the charge, in the rental group',
  released.status === 'released' &&
    transfer.amount === payment.owner_payout_amount &&
    transfer.destination === created.account_id &&
    transfer.source_transaction === payment.stripe_charge_id &&
    transfer.transfer_group === rental.id,
)

step('a partial refund after release: the owner share of it is reversed (REFUND_FEE_POLICY=proportional)')
const refunded = await call('POST', `/api/payments/${payment.id}/refund`, {
  token: owner,
  body: { amount: 1_000 },
})
show('payment', { status: refunded.payment.status, amount_refunded: refunded.payment.amount_refunded })
const reversed = await payoutOf(owner, payment.id, (payout) => payout.amount_reversed > 0)
show('payout', {
  status: reversed.status,
  amount: reversed.amount,
  amount_reversed: reversed.amount_reversed,
})
const afterRefund = await stripe('GET', `/v1/transfers/${released.stripe_transfer_id}`)
show('Transfer at Stripe', { amount: afterRefund.amount, amount_reversed: afterRefund.amount_reversed })
// 1 000 of 8 997 refunded (fee 900): the fee gives back round(1 000 × 900 / 8 997 = 100.03) = 100, the owner 900.
check(
  '900 of the 1 000 refunded taken back from the owner',
  reversed.status === 'partially_reversed' &&
    reversed.amount_reversed === 900 &&
    afterRefund.amount_reversed === 900,
)

step('the earnings statement, to the cent')
const window = `from=${day(-1)}&to=${day(1)}`
const earnings = await call('GET', `/api/me/earnings?${window}`, { token: owner })
for (const line of earnings.lines) show('line', line)
for (const total of earnings.currencies) show(`total ${total.currency}`, total)
const [usd] = earnings.currencies
check(
  'gross = refunds + disputed + platform_fees + net',
  usd.gross === usd.refunds + usd.disputed + usd.platform_fees + usd.net,
)
check(
  'net = released − reversed + scheduled + unsettled',
  usd.net === usd.released - usd.reversed + usd.scheduled + usd.unsettled,
)
const balance = await balanceOf()
check(
  `released − reversed = the owner's Stripe balance (${balance})`,
  usd.released - usd.reversed === balance,
)
check(
  '8 997 paid (fee 900): 1 000 refunded, 800 platform fee kept, 7 197 to the owner',
  usd.gross === 8_997 && usd.refunds === 1_000 && usd.platform_fees === 800 && usd.net === 7_197,
)
console.log(await call('GET', `/api/me/earnings?${window}`, { token: owner, accept: 'text/csv' }))

await new Promise((resolve) => setTimeout(resolve, 1500))
const deliveries = await fetch(`${STRIPE}/_emulator/webhooks`).then((r) => r.json())
console.log('signed webhooks the emulator delivered about this payment, its transfer and the owner account:')
const about = [initiated.payment_intent_id, released.stripe_transfer_id, created.account_id]
for (const delivery of deliveries.data.filter((d) => about.some((id) => d.payload.includes(id)))) {
  const where = delivery.endpoint === 'connect' ? 'connect ' : 'platform'
  console.log(
    `  ${where} ${delivery.event_type.padEnd(28)} ${delivery.status} (HTTP ${delivery.last_http_status})`,
  )
}
if (process.exitCode) console.log('\nsome checks failed')
