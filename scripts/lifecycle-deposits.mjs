// `npm run lifecycle:deposits`: security deposits and damage claims against a running `npm run dev`, no Stripe
// account needed (docs/DEPOSITS.md). The demo owner lists four instruments with a $150 deposit; the demo renter
// rents them. A: paid days ahead, held by the cron the day before the start, held again before the hold
// expires. B: a card the bank will not let be held off-session, authorized by the renter on-session; a claim
// accepted and partially captured. C: a contested claim decided by an admin. D: a hold Stripe lets expire, and
// a claim charged off-session to the saved card. Then who may do what, and the claims' owner shares paid to the
// owner (Transfers from each claim's charge).
// It moves the emulator's clock forward (as days passing would) and runs the cron at those times; the API's
// own clock stays real, so claims are filed on rentals that start today. The emulator's clock never goes back,
// so a second run against the same emulator state fails: run it against a fresh one, for example
// `DEV_PERSIST_TO=$(mktemp -d) npm run dev` (test/e2e/ does).
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
const HOUR = 3_600_000
const RETURN_URL = 'https://example.com/return'

async function call(method, path, { token, body, expect } = {}) {
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(API + path, { method, headers, body: body && JSON.stringify(body) })
  const answer = await response.json()
  console.log(`${method} ${path} → ${response.status}${answer.code ? ` ${answer.code}` : ''}`)
  if (expect ? response.status !== expect : !response.ok) throw new Error(JSON.stringify(answer, null, 2))
  return answer
}

/** A Stripe API call at the emulator, form-encoded as the SDK sends them (what Stripe.js does in a browser). */
async function stripe(method, path, form) {
  const headers = { authorization: `Bearer ${STRIPE_KEY}` }
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded'
  const response = await fetch(STRIPE + path, { method, headers, body: form && new URLSearchParams(form) })
  return response.json()
}

const control = async (path, body) =>
  (
    await fetch(`${STRIPE}/_emulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json()

/** The emulator's clock (ms): real time plus how far it has been moved. */
const stripeNow = async () => (await control('clock/advance', { seconds: 0 })).now * 1000

/** Moves the emulator's clock to `time` (never back); holds whose capture_before it passes expire. */
async function travelTo(time) {
  const seconds = Math.ceil((time - (await stripeNow())) / 1000)
  if (seconds > 0) await control('clock/advance', { seconds })
  console.log(`emulator clock at ${new Date(Math.max(time, await stripeNow())).toISOString()}`)
}

/** Runs the cron with its clock at `time`. */
async function cronAt(time) {
  const response = await runScheduled(time)
  console.log(`cron at ${new Date(time).toISOString()} → ${response.status}`)
  await new Promise((resolve) => setTimeout(resolve, 1000))
}

const login = (email) => loginWith(call, email)

/** Reads the rental's deposit until `until` says so (webhooks arrive on the emulator's alarm). */
async function depositOf(rentalId, token, until = () => true) {
  for (let tries = 0; ; tries++) {
    const deposit = await call('GET', `/api/rentals/${rentalId}/deposit`, { token })
    if (until(deposit) || tries === 40) return deposit
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

const intentOf = (clientSecret) => clientSecret.split('_secret_')[0]

const owner = await login('owner@backline.dev')
const renter = await login('renter@backline.dev')
const admin = await login('admin@backline.dev')

step('the demo owner lists four instruments, each with a $150.00 deposit')
const instrument = await call('POST', '/api/instruments', {
  token: owner,
  body: { name: 'Fender Precision Bass', category: 'bass', brand: 'Fender', model: 'Precision' },
})
const listings = []
for (const name of ['A', 'B', 'C', 'D']) {
  const listing = await call('POST', '/api/listings', {
    token: owner,
    body: {
      instrument_id: instrument.id,
      title: `P-Bass ${name}`,
      daily_rate: 2_000,
      currency: 'usd',
      deposit_amount: 15_000,
    },
  })
  listings.push(listing.id)
}

/** The demo renter books a listing and pays with `card` (3-D Secure passed on-session when asked). */
async function rentAndPay(listingId, start, days, card = 'pm_card_visa') {
  const rental = await call('POST', '/api/rentals', {
    token: renter,
    body: { listing_id: listingId, start_date: day(start), end_date: day(start + days) },
  })
  const initiated = await call('POST', `/api/payments/${rental.id}/initiate`, { token: renter })
  const confirmed = await stripe('POST', `/v1/payment_intents/${initiated.payment_intent_id}/confirm`, {
    payment_method: card,
    return_url: RETURN_URL,
  })
  if (confirmed.status === 'requires_action')
    await control(`payment_intents/${initiated.payment_intent_id}/authenticate`, { outcome: 'succeed' })
  const payment = await call('POST', `/api/payments/${rental.id}/confirm`, {
    token: renter,
    body: { stripe_payment_intent_id: initiated.payment_intent_id },
  })
  show('paid', { rental: rental.id, amount: payment.amount, status: payment.status })
  return rental
}

step('A: a week from the day after tomorrow; the card is saved with the payment, the deposit scheduled')
const a = await rentAndPay(listings[0], 2, 7)
let deposit = await depositOf(a.id, owner)
show('deposit', { status: deposit.status, hold_due_at: deposit.hold_due_at })
check('scheduled for the day before the start', deposit.status === 'scheduled')
const due = Date.parse(deposit.hold_due_at)
await cronAt(Math.max(due - HOUR, Date.now()))
check('not held an hour before it is due', (await depositOf(a.id, owner)).status === 'scheduled')
await travelTo(due + 60_000)
await cronAt(Math.max(due + 60_000, await stripeNow()))
deposit = await depositOf(a.id, owner, (d) => d.status === 'held')
const firstExpiry = Date.parse(deposit.hold_expires_at)
show('deposit', { status: deposit.status, hold_expires_at: deposit.hold_expires_at })
check('held, until capture_before as Stripe says', deposit.status === 'held')

step('A: the rental and its claim window outlast the hold: a fresh hold 11 hours before it expires')
await travelTo(firstExpiry - 11 * HOUR)
await cronAt(firstExpiry - 11 * HOUR)
deposit = await depositOf(a.id, owner, (d) => Date.parse(d.hold_expires_at) > firstExpiry)
show('deposit', { status: deposit.status, hold_expires_at: deposit.hold_expires_at })
const holds = (await stripe('GET', `/v1/payment_intents?limit=100`)).data
  .filter((intent) => intent.metadata.deposit_id === deposit.id)
  .map((intent) => ({
    id: intent.id,
    status: intent.status,
    cancellation_reason: intent.cancellation_reason,
  }))
show('its PaymentIntents at Stripe', holds)
check(
  'held again, the old hold canceled only after',
  deposit.status === 'held' &&
    Date.parse(deposit.hold_expires_at) > firstExpiry &&
    holds.some((intent) => intent.status === 'requires_capture') &&
    holds.some((intent) => intent.status === 'canceled' && intent.cancellation_reason === 'abandoned'),
)

step('B: a card the bank will not let be held off-session; the renter authorizes the hold on-session')
const b = await rentAndPay(listings[1], 0, 3, 'pm_card_authenticationRequired')
deposit = await depositOf(b.id, renter, (d) => d.status === 'action_required')
show('deposit (renter)', { status: deposit.status, failure_code: deposit.failure_code })
const seenByOwner = await depositOf(b.id, owner)
check('the owner sees it waiting, without the secret', !('client_secret' in seenByOwner))
const asked = await call('POST', `/api/rentals/${b.id}/deposit/authorize`, { token: renter })
const atStripe = await stripe('POST', `/v1/payment_intents/${intentOf(asked.client_secret)}/confirm`, {
  payment_method: asked.payment_method_id,
  return_url: RETURN_URL,
})
show('confirmed with Stripe.js', { status: atStripe.status })
await control(`payment_intents/${intentOf(asked.client_secret)}/authenticate`, { outcome: 'succeed' })
deposit = await depositOf(b.id, renter, (d) => d.status === 'held')
check('held, after 3-D Secure', deposit.status === 'held')

step('B: returned; the owner claims $60.00, the renter accepts: captured, the rest released')
await call('POST', `/api/rentals/${b.id}/complete`, { token: owner })
const claimB = await call('POST', `/api/rentals/${b.id}/damage-claims`, {
  token: owner,
  body: {
    amount: 6_000,
    description: 'Cracked neck heel',
    evidence_urls: ['https://photos.example/neck.jpg'],
  },
})
const acceptedB = await call('POST', `/api/damage-claims/${claimB.id}/accept`, { token: renter })
show('claim', {
  status: acceptedB.status,
  captured_amount: acceptedB.captured_amount,
  owner_share: acceptedB.owner_share,
})
deposit = await depositOf(b.id, owner)
show('deposit', { status: deposit.status, captured_amount: deposit.captured_amount })
check(
  'partially captured: $60.00',
  deposit.status === 'partially_captured' && deposit.captured_amount === 6_000,
)

step('C: a claim the renter contests, decided by an admin')
const c = await rentAndPay(listings[2], 0, 2)
const claimC = await call('POST', `/api/rentals/${c.id}/damage-claims`, {
  token: owner,
  body: { amount: 8_000, description: 'Dents in the body' },
})
await call('POST', `/api/damage-claims/${claimC.id}/contest`, { token: renter })
const decided = await call('POST', `/api/admin/damage-claims/${claimC.id}/decide`, {
  token: admin,
  body: { amount: 2_500 },
})
show('claim', {
  status: decided.status,
  decided_amount: decided.decided_amount,
  captured_amount: decided.captured_amount,
})
check('$25.00 captured', decided.status === 'captured' && decided.captured_amount === 2_500)

step('D: Stripe lets the hold expire; a claim is then charged off-session to the saved card')
const d = await rentAndPay(listings[3], 0, 2)
deposit = await depositOf(d.id, owner, (x) => x.status === 'held')
await travelTo(Date.parse(deposit.hold_expires_at) + 60_000)
deposit = await depositOf(d.id, owner, (x) => x.status === 'lapsed')
check('lapsed (charge.expired, payment_intent.canceled)', deposit.status === 'lapsed')
const claimD = await call('POST', `/api/rentals/${d.id}/damage-claims`, {
  token: owner,
  body: { amount: 4_000, description: 'Missing gig bag' },
})
const acceptedD = await call('POST', `/api/damage-claims/${claimD.id}/accept`, { token: renter })
show('claim', { status: acceptedD.status, captured_amount: acceptedD.captured_amount })
check('collected off-session', acceptedD.status === 'captured' && acceptedD.captured_amount === 4_000)

step('who may do what')
await call('POST', `/api/rentals/${a.id}/deposit/release`, { token: renter, expect: 403 })
await call('POST', `/api/damage-claims/${claimC.id}/accept`, { token: owner, expect: 403 })
await call('POST', `/api/admin/damage-claims/${claimC.id}/decide`, {
  token: owner,
  body: { amount: 1 },
  expect: 403,
})
const released = await call('POST', `/api/rentals/${a.id}/deposit/release`, { token: owner })
check('the owner releases A at once', released.status === 'released')
const receipt = await fetch(`${API}/api/payments/${b.id}/receipt`, {
  headers: { authorization: `Bearer ${renter}`, accept: 'application/json' },
}).then((response) => response.json())
show('receipt of B', {
  deposit_amount: receipt.deposit_amount,
  deposit_status: receipt.deposit_status,
  deposit_captured_amount: receipt.deposit_captured_amount,
})
step("the owner is paid the claims: each owner share sent by the cron as a Transfer from the claim's charge")
// Claim payouts are due at once (docs/DEPOSITS.md): the cron's next run, at the API's own clock, sends them.
await cronAt(Date.now() + 60_000)
for (const [name, rental, claimId] of [
  ['B', b, claimB.id],
  ['D', d, claimD.id],
]) {
  const claim = (await call('GET', `/api/rentals/${rental.id}/damage-claims`, { token: owner })).data[0]
  const transfers = await stripe('GET', `/v1/transfers?transfer_group=${rental.id}&limit=100`)
  const transfer = transfers.data.find((t) => t.metadata.damage_claim_id === claimId)
  show(`claim ${name}`, {
    owner_share: claim.owner_share,
    payout_id: claim.payout_id,
    payout_status: claim.payout_status,
    transfer: transfer?.id,
    source_transaction: transfer?.source_transaction,
  })
  check(
    `${name}: the owner share released, from the claim's charge (${name === 'B' ? 'the captured hold' : 'the off-session charge'})`,
    claim.payout_status === 'released' &&
      transfer?.amount === claim.owner_share &&
      transfer?.source_transaction === claim.stripe_charge_id &&
      transfer?.metadata.payout_id === claim.payout_id,
  )
}
const payouts = await call('GET', '/api/payouts?limit=100', { token: owner })
check(
  "both in the owner's payouts, as kind damage_claim",
  [claimB.id, claimD.id].every((id) =>
    payouts.data.some((payout) => payout.kind === 'damage_claim' && payout.damage_claim_id === id),
  ),
)
if (process.exitCode) console.log('\nsome checks failed')
