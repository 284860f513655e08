import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import { createListing, createUser, dateFromToday, TEST_PASSWORD, type TestUser } from '../helpers/factories'
import { fillPath, loadOperations, type Operation } from '../helpers/operations'
import { confirm, frontend, initiateAndPay, type Booking } from '../helpers/payments'
import { hostileTokens } from '../helpers/tokens'
import { completeOnboarding } from '../emulator/connect'
import { paidDepositBooking } from '../helpers/deposits'

// Every operation of /openapi.json × every kind of caller, with the status each cell must answer.
// "rightful" is the party the operation is for (the renter to pay, the owner to refund or complete);
// "counterparty" is the other party of the same rental or listing. Services answer 404 to a caller who
// is no party at all (not even the object's existence is revealed) and 403 to one who can see it but is not
// the one the operation is for (the other party, or an admin): the rules of src/domain/access.ts.
const ROWS = [
  'no_token',
  'malformed',
  'expired',
  'wrong_signature',
  'alg_none',
  'wrong_issuer',
  'wrong_audience',
  'other_renter',
  'other_owner',
  'admin',
  'counterparty',
  'rightful',
] as const
type Row = (typeof ROWS)[number]
const SHORT = ['none', 'malf', 'expd', 'sig', 'algn', 'iss', 'aud', 'oRnt', 'oOwn', 'admn', 'ctpy', 'right']

// prettier-ignore
const EXPECTED: Record<string, number[]> = {
  //                                              none  malf  expd  sig   algn  iss   aud   oRnt  oOwn  admn  ctpy  right
  'POST /api/auth/register':                     [201,  201,  201,  201,  201,  201,  201,  201,  201,  201,  201,  201],
  'POST /api/auth/login':                        [200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  'GET /api/me':                                 [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  'GET /api/me/stats':                           [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  'GET /api/admin/stats':                        [401,  401,  401,  401,  401,  401,  401,  403,  403,  200,  403,  403],
  'GET /api/admin/attention':                    [401,  401,  401,  401,  401,  401,  401,  403,  403,  200,  403,  403],
  'GET /api/payments':                           [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  'GET /api/payments/{id}':                      [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  200,  200],
  'GET /api/payments/{id}/timeline':             [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  200,  200],
  'GET /api/payments/{id}/receipt':              [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  200,  200],
  'GET /api/refunds/{id}/credit-note':           [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  200,  200],
  'POST /api/payments/{rental_id}/initiate':     [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'POST /api/payments/{rental_id}/confirm':      [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'POST /api/payments/{payment_id}/refund':      [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  403,  200],
  'POST /api/webhooks/stripe':                   [200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  'POST /api/instruments':                       [401,  401,  401,  401,  401,  401,  401,  201,  201,  201,  201,  201],
  'GET /api/instruments/{id}':                   [200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  'POST /api/listings':                          [401,  401,  401,  401,  401,  401,  401,  201,  201,  201,  201,  201],
  'GET /api/listings':                           [200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  'GET /api/listings/{id}':                      [200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  'POST /api/listings/{id}/activate':            [401,  401,  401,  401,  401,  401,  401,  403,  403,  403,  403,  200],
  'POST /api/listings/{id}/deactivate':          [401,  401,  401,  401,  401,  401,  401,  403,  403,  403,  403,  200],
  'GET /api/listings/{id}/availability':         [200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  'POST /api/rentals':                           [401,  401,  401,  401,  401,  401,  401,  201,  201,  201,  403,  201],
  'GET /api/rentals':                            [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  'GET /api/rentals/{id}':                       [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  200,  200],
  'POST /api/rentals/{id}/cancel':               [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  200,  200],
  'POST /api/rentals/{id}/complete':             [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'GET /api/rentals/{id}/cancellation-quote':    [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  200,  200],
  'GET /api/admin/payments':                     [401,  401,  401,  401,  401,  401,  401,  403,  403,  200,  403,  403],
  'GET /api/admin/payouts':                      [401,  401,  401,  401,  401,  401,  401,  403,  403,  200,  403,  403],
  'POST /api/webhooks/stripe-connect':           [200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200,  200],
  // Everyone may have a payout account; the owner made theirs before (200), the others now (201).
  'POST /api/me/payout-account':                 [401,  401,  401,  401,  401,  401,  401,  201,  201,  201,  201,  200],
  'GET /api/me/payout-account':                  [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  'POST /api/me/payout-account/onboarding-link': [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  'GET /api/me/earnings':                        [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  // Each caller's own payouts only (the test after the matrix checks whose they are).
  'GET /api/payouts':                            [401,  401,  401,  401,  401,  401,  401,  200,  200,  200,  200,  200],
  'GET /api/rentals/{id}/deposit':               [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  200,  200],
  'POST /api/rentals/{id}/deposit/authorize':    [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'POST /api/rentals/{id}/deposit/release':      [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'POST /api/rentals/{id}/deposit/refuse-handover': [401, 401, 401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'POST /api/rentals/{id}/damage-claims':        [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  201],
  'GET /api/rentals/{id}/damage-claims':         [401,  401,  401,  401,  401,  401,  401,  404,  404,  200,  200,  200],
  'POST /api/damage-claims/{id}/accept':         [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'POST /api/damage-claims/{id}/contest':        [401,  401,  401,  401,  401,  401,  401,  404,  404,  403,  403,  200],
  'POST /api/admin/damage-claims/{id}/decide':   [401,  401,  401,  401,  401,  401,  401,  403,  403,  200,  403,  403],
}

/** Who plays each role for an operation: the renter is the rightful party unless the owner is. */
const OWNER_IS_RIGHTFUL = new Set([
  'POST /api/me/payout-account',
  'GET /api/me/payout-account',
  'POST /api/me/payout-account/onboarding-link',
  'GET /api/me/earnings',
  'GET /api/payouts',
  'POST /api/payments/{payment_id}/refund',
  'POST /api/listings/{id}/activate',
  'POST /api/listings/{id}/deactivate',
  'POST /api/rentals/{id}/complete',
  'POST /api/rentals/{id}/deposit/release',
  'POST /api/rentals/{id}/deposit/refuse-handover',
  'POST /api/rentals/{id}/damage-claims',
])

interface Scenario {
  owner: TestUser
  renter: TestUser
  otherRenter: TestUser
  otherOwner: TestUser
  admin: TestUser
  listingId: string
  toggleListingId: string
  instrumentId: string
  pendingRentalId: string
  paid: { rentalId: string; paymentId: string; intentId: string }
  toComplete: { rentalId: string; paymentId: string }
  /** A succeeded refund (of toComplete's payment), for its credit note. */
  refundId: string
  cancelByRenter: string
  cancelByOwner: string
  /** Rentals with a deposit, paid and started today: held, waiting for the renter, refusable, claimable. */
  deposits: { held: string; actionRequired: string; refusable: string; claimable: string }
  /** Open claims (one to accept, one to contest) and a contested one (to decide). */
  claims: { toAccept: string; toContest: string; toDecide: string }
  /** The rental of each claim. */
  claimRentals: Record<string, string>
  /** The payments of the rentals with a deposit (the owner's too). */
  depositPayments: string[]
}

let scenario: Scenario
let operations: Operation[]
let tokensByRow: Partial<Record<Row, string>>
let addressCounter = 0
const freshAddress = () => `198.19.${(++addressCounter >> 8) & 255}.${addressCounter & 255}`

async function book(s: Pick<Scenario, 'renter' | 'owner' | 'listingId'>, offset: number) {
  const [startDate, endDate] = [dateFromToday(offset), dateFromToday(offset + 2)]
  const res = await api('POST', '/api/rentals', {
    token: s.renter.token,
    body: { listing_id: s.listingId, start_date: startDate, end_date: endDate },
  })
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`)
  return {
    owner: s.owner,
    renter: s.renter,
    listingId: s.listingId,
    rentalId: res.body.id as string,
    amount: res.body.amount as number,
    startDate,
    endDate,
  } satisfies Booking
}

async function pay(b: Booking) {
  const { intentId, paymentId } = await initiateAndPay(b)
  const confirmed = await confirm(b, intentId)
  if (confirmed.status !== 200)
    throw new Error(`confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`)
  return { rentalId: b.rentalId, paymentId, intentId }
}

beforeAll(async () => {
  operations = await loadOperations()
  const [owner, renter, otherRenter, otherOwner, admin] = await Promise.all([
    createUser(),
    createUser(),
    createUser(),
    createUser(),
    createUser({ role: 'admin' }),
  ])
  // The owner can be paid (a payout account that can receive transfers), as an active listing requires.
  const account = await api('POST', '/api/me/payout-account', { token: owner.token })
  await completeOnboarding(account.body.account_id)
  const listing = await createListing(owner)
  const toggleListing = await createListing(owner)
  // The others are real marketplace users with business of their own.
  const elsewhere = await createListing(otherOwner)
  await book({ renter: otherRenter, owner: otherOwner, listingId: elsewhere.id }, 5)
  // Each of the renter's rentals on a listing of its own: a renter holds at most one unpaid rental per listing.
  const parties = async () => ({ owner, renter, listingId: (await createListing(owner)).id })
  scenario = {
    owner,
    renter,
    otherRenter,
    otherOwner,
    admin,
    listingId: listing.id,
    toggleListingId: toggleListing.id,
    instrumentId: listing.instrumentId,
    pendingRentalId: (await book(await parties(), 10)).rentalId,
    paid: await pay(await book(await parties(), 13)),
    // Starts today: an instrument cannot be returned before its rental starts.
    toComplete: await pay(await book(await parties(), 0)),
    cancelByRenter: (await book(await parties(), 19)).rentalId,
    cancelByOwner: (await book(await parties(), 22)).rentalId,
    refundId: '',
    deposits: { held: '', actionRequired: '', refusable: '', claimable: '' },
    claims: { toAccept: '', toContest: '', toDecide: '' },
    claimRentals: {},
    depositPayments: [],
  }
  const withDeposit = async (card = 'pm_card_visa') => {
    const paid = await paidDepositBooking({ owner, renter, card, startInDays: 0 })
    scenario.depositPayments.push(paid.paymentId)
    return paid
  }
  scenario.deposits = {
    held: (await withDeposit()).rentalId,
    actionRequired: (await withDeposit('pm_card_authenticationRequired')).rentalId,
    refusable: (await withDeposit('pm_card_authenticationRequired')).rentalId,
    claimable: (await withDeposit()).rentalId,
  }
  const claimOn = async () => {
    const { rentalId } = await withDeposit()
    const filed = await api('POST', `/api/rentals/${rentalId}/damage-claims`, {
      token: owner.token,
      body: { amount: 2_000, description: 'Dented pickguard' },
    })
    if (filed.status !== 201) throw new Error(`claim failed: ${JSON.stringify(filed.body)}`)
    scenario.claimRentals[filed.body.id] = rentalId
    return filed.body.id as string
  }
  scenario.claims = { toAccept: await claimOn(), toContest: await claimOn(), toDecide: await claimOn() }
  await api('POST', `/api/damage-claims/${scenario.claims.toDecide}/contest`, { token: renter.token })
  const refunded = await api('POST', `/api/payments/${scenario.toComplete.paymentId}/refund`, {
    token: owner.token,
    body: { amount: 100 },
  })
  scenario.refundId = refunded.body.refund.id
}, 60_000)

function userFor(row: Row, operation: string): TestUser | undefined {
  const ownerRightful = OWNER_IS_RIGHTFUL.has(operation)
  switch (row) {
    case 'other_renter':
      return scenario.otherRenter
    case 'other_owner':
      return scenario.otherOwner
    case 'admin':
      return scenario.admin
    case 'counterparty':
      return ownerRightful ? scenario.renter : scenario.owner
    case 'rightful':
      return ownerRightful ? scenario.owner : scenario.renter
    default:
      return undefined
  }
}

let cellCounter = 0

/** The request of one cell: path values, query and body the operation needs to succeed for the right caller. */
async function requestFor(operation: Operation, row: Row) {
  const s = scenario
  const n = ++cellCounter
  const key = operation.key
  const values: Record<string, string> = {}
  let query = ''
  let body: unknown
  const headers: Record<string, string> = {}
  for (const p of operation.pathParams) {
    if (key.endsWith('/deposit') || key.endsWith('/deposit/release')) values[p.name] = s.deposits.held
    else if (key.endsWith('/deposit/authorize')) values[p.name] = s.deposits.actionRequired
    else if (key.endsWith('/deposit/refuse-handover')) values[p.name] = s.deposits.refusable
    else if (key.endsWith('/{id}/damage-claims')) values[p.name] = s.deposits.claimable
    else if (key.endsWith('/accept')) values[p.name] = s.claims.toAccept
    else if (key.endsWith('/contest')) values[p.name] = s.claims.toContest
    else if (key.endsWith('/decide')) values[p.name] = s.claims.toDecide
    else if (key.startsWith('GET /api/payments/')) values[p.name] = s.paid.rentalId
    else if (key.startsWith('GET /api/refunds/')) values[p.name] = s.refundId
    else if (key.includes('/confirm')) values[p.name] = s.paid.rentalId
    else if (key.includes('/initiate')) values[p.name] = s.pendingRentalId
    else if (key.includes('/refund')) values[p.name] = s.paid.paymentId
    else if (key.startsWith('GET /api/instruments/')) values[p.name] = s.instrumentId
    else if (key.includes('/activate') || key.includes('/deactivate')) values[p.name] = s.toggleListingId
    else if (key.startsWith('GET /api/listings/')) values[p.name] = s.listingId
    else if (key.endsWith('/cancel'))
      values[p.name] = row === 'counterparty' ? s.cancelByOwner : s.cancelByRenter
    else if (key.includes('/complete')) values[p.name] = s.toComplete.rentalId
    else if (key.startsWith('GET /api/rentals/')) values[p.name] = s.pendingRentalId
    else throw new Error(`no path value for ${p.name} of ${key}: add it to requestFor`)
  }
  if (key.endsWith('/availability')) query = `?from=${dateFromToday(1)}&to=${dateFromToday(60)}`
  // Admins list payments by status across all users; status is required.
  if (key === 'GET /api/admin/payments') query = '?status=refund_failed'
  if (key === 'GET /api/admin/payouts') query = '?status=failed'
  if (key === 'GET /api/me/earnings') query = `?from=${dateFromToday(-30)}&to=${dateFromToday(30)}`
  if (key === 'POST /api/me/payout-account/onboarding-link')
    body = {
      return_url: 'https://backline.test/payouts/done',
      refresh_url: 'https://backline.test/payouts/again',
    }
  if (key === 'GET /api/me/stats' || key === 'GET /api/admin/stats')
    query = `?from=${dateFromToday(-30)}&to=${dateFromToday(30)}`
  if (key === 'POST /api/auth/register')
    body = { email: `matrix-${n}-${s.renter.id}@example.test`, password: TEST_PASSWORD, name: 'M' }
  if (key === 'POST /api/auth/login') body = { email: s.renter.email, password: TEST_PASSWORD }
  if (key.includes('/confirm')) body = { stripe_payment_intent_id: s.paid.intentId }
  if (key.endsWith('/refund')) body = { amount: 100 }
  if (key === 'POST /api/rentals/{id}/damage-claims') body = { amount: 1_500, description: 'Scratched body' }
  if (key.endsWith('/decide')) body = { amount: 500 }
  if (key === 'POST /api/instruments') body = { name: 'Matrix Bass', category: 'bass' }
  // Withdrawn: most callers have no payout account (listing-gate.test.ts tests offering one for rent).
  if (key === 'POST /api/listings')
    body = { instrument_id: s.instrumentId, title: 'Matrix', daily_rate: 900, currency: 'usd', active: false }
  if (key === 'POST /api/rentals') {
    const start = 40 + 3 * n
    body = { listing_id: s.listingId, start_date: dateFromToday(start), end_date: dateFromToday(start + 2) }
  }
  if (key === 'POST /api/webhooks/stripe' || key === 'POST /api/webhooks/stripe-connect') {
    // Webhooks authenticate by signature, not by bearer token: a signed event is accepted from anyone.
    const connect = key.endsWith('-connect')
    const payload = JSON.stringify({
      id: `evt_matrix${n}`,
      ...(connect ? { account: 'acct_matrix' } : {}),
      object: 'event',
      type: 'customer.created',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: `cus_matrix${n}`, object: 'customer' } },
      livemode: false,
      api_version: null,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    })
    headers['stripe-signature'] = await frontend.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: connect ? env.STRIPE_CONNECT_WEBHOOK_SECRET! : env.STRIPE_WEBHOOK_SECRET,
    })
    body = payload
  }
  const token = tokensByRow[row] ?? userFor(row, key)?.token
  headers['cf-connecting-ip'] = freshAddress()
  return { path: fillPath(operation.path, values) + query, token, body, headers }
}

function renderMatrix(actual: Map<string, number[]>) {
  const width = Math.max(...operations.map((o) => o.key.length))
  const header = `${''.padEnd(width)}  ${SHORT.map((label) => label.padStart(6)).join(' ')}`
  const lines = operations.map((o) => {
    const expected = EXPECTED[o.key] ?? []
    const cells = (actual.get(o.key) ?? []).map((status, i) => {
      const mark = status === expected[i] ? ' ' : '!'
      return `${mark}${status}${mark === '!' ? `≠${expected[i]}` : ''}`.padStart(6)
    })
    return `${o.key.padEnd(width)}  ${cells.join(' ')}`
  })
  return [header, ...lines].join('\n')
}

describe('authorization matrix', () => {
  it('has a row of expectations for every operation in the OpenAPI document, and none for a missing one', () => {
    const documented = operations.map((o) => o.key).sort()
    expect(Object.keys(EXPECTED).sort()).toEqual(documented)
    for (const [key, row] of Object.entries(EXPECTED))
      expect({ key, cells: row.length }).toEqual({ key, cells: ROWS.length })
  })

  it('answers the expected status in every cell', { timeout: 90_000 }, async () => {
    const hostile = await hostileTokens(scenario.renter.id)
    tokensByRow = {
      malformed: hostile.malformed,
      expired: hostile.expired,
      wrong_signature: hostile.wrong_signature,
      alg_none: hostile.alg_none,
      wrong_issuer: hostile.wrong_issuer,
      wrong_audience: hostile.wrong_audience,
    }
    const actual = new Map<string, number[]>()
    const failures: string[] = []
    // Rows run in order for each operation, so the rightful party's state change comes last.
    for (const operation of operations) {
      const statuses: number[] = []
      for (const [i, row] of ROWS.entries()) {
        const { path, token, body, headers } = await requestFor(operation, row)
        const res = await api(operation.method, path, { token, body, headers })
        statuses.push(res.status)
        const expected = EXPECTED[operation.key]?.[i]
        if (res.status !== expected) {
          failures.push(
            `${operation.key} as ${row}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          )
        }
        if (res.status >= 400 && !res.headers.get('content-type')?.startsWith('application/problem+json')) {
          failures.push(`${operation.key} as ${row}: ${res.status} is not problem+json`)
        }
      }
      actual.set(operation.key, statuses)
    }
    const cells = operations.length * ROWS.length
    console.log(
      `authorization matrix: ${operations.length} operations × ${ROWS.length} callers = ${cells} cells\n${renderMatrix(actual)}`,
    )
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} of ${cells} cells broke:\n${failures.join('\n')}\n\n${renderMatrix(actual)}`,
      )
    }
  })

  it('after the matrix, only the rightful calls changed anything', async () => {
    const s = scenario
    const rental = (id: string) => api('GET', `/api/rentals/${id}`, { token: s.owner.token })
    expect((await rental(s.cancelByRenter)).body).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'cancelled_by_renter',
    })
    expect((await rental(s.cancelByOwner)).body).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'cancelled_by_owner',
    })
    expect((await rental(s.toComplete.rentalId)).body.status).toBe('completed')
    // Refunded twice by 100: once by the admin, once by the owner; never by the renter or a stranger.
    const payment = await api('GET', `/api/payments/${s.paid.paymentId}`, { token: s.owner.token })
    expect(payment.body).toMatchObject({ amount_refunded: 200, status: 'partially_refunded' })
    expect(payment.body.refunds).toHaveLength(2)
    // Payouts are their owner's alone: the owner's paid rentals and captured claims (the accepted and the
    // decided one), and nobody else sees any of them.
    const payoutsOf = async (user: TestUser) =>
      (await api('GET', '/api/payouts', { token: user.token })).body.data
        .map((p: any) => p.payment_id ?? p.damage_claim_id)
        .sort()
    expect(await payoutsOf(s.owner)).toEqual(
      [
        s.paid.paymentId,
        s.toComplete.paymentId,
        ...s.depositPayments,
        s.claims.toAccept,
        s.claims.toDecide,
      ].sort(),
    )
    for (const user of [s.renter, s.otherRenter, s.admin]) expect(await payoutsOf(user)).toEqual([])
    // The deposits and claims: each moved once, by its rightful party.
    const deposit = (id: string) => api('GET', `/api/rentals/${id}/deposit`, { token: s.owner.token })
    expect((await deposit(s.deposits.held)).body.status).toBe('released')
    expect((await deposit(s.deposits.refusable)).body.status).toBe('failed')
    expect((await rental(s.deposits.refusable)).body).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'deposit_not_held',
    })
    const claims = async (id: string) =>
      (await api('GET', `/api/rentals/${id}/damage-claims`, { token: s.admin.token })).body.data
    expect(await claims(s.deposits.claimable)).toMatchObject([{ amount: 1_500, status: 'open' }])
    const [accepted, contested, decided] = await Promise.all(
      [s.claims.toAccept, s.claims.toContest, s.claims.toDecide].map(
        async (id) => (await claims(s.claimRentals[id]!))[0],
      ),
    )
    expect(accepted).toMatchObject({ status: 'captured', captured_amount: 2_000 })
    expect(contested).toMatchObject({ status: 'contested' })
    expect(decided).toMatchObject({ status: 'captured', decided_amount: 500, captured_amount: 500 })
  })
})
