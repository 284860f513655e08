import { env } from 'cloudflare:test'
import type { Payout } from '../../src/adapters/d1/schema'
import { completeOnboarding } from '../emulator/connect'
import { api } from './api'
import { createUser, db, type TestUser } from './factories'
import { frontend, paidBooking, postConnectWebhook } from './payments'
import { clearFaults, injectFault, markWebhook, pendingWebhooks } from './stripe-emulator'

/** The Connect endpoint's secret in vitest.config.ts (TEST_SECRETS). */
export const CONNECT_SECRET = 'whsec_test_backline_connect'

/** An owner with a payout account made through the API, onboarded at the emulator (as its hosted page does). */
export async function onboardedOwner(): Promise<TestUser & { accountId: string }> {
  const owner = await createUser()
  const accountId = await payoutAccountOf(owner)
  await completeOnboarding(accountId)
  const read = await api('GET', '/api/me/payout-account', { token: owner.token })
  if (read.body.status !== 'enabled') throw new Error(`onboarding failed: ${JSON.stringify(read.body)}`)
  return { ...owner, accountId }
}

/** Creates (or reads) the owner's payout account through the API; returns its Stripe id. */
export async function payoutAccountOf(owner: TestUser): Promise<string> {
  const res = await api('POST', '/api/me/payout-account', { token: owner.token })
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`payout account: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.account_id
}

/** The payout row of a payment, as stored (undefined: none was scheduled). */
export const payoutOf = (paymentId: string) =>
  db.query.payouts.findFirst({ where: (table, { eq }) => eq(table.paymentId, paymentId) }) as Promise<
    Payout | undefined
  >

/** A completed payment of a booking of `owner`'s (its own listing, renter and dates). */
export const paidFor = (owner: TestUser, overrides: Parameters<typeof paidBooking>[0] = {}) =>
  paidBooking({ ...overrides, owner })

/** The payout of a payment, which must exist. */
export async function payoutFor(paymentId: string): Promise<Payout> {
  const payout = await payoutOf(paymentId)
  if (!payout) throw new Error(`no payout for ${paymentId}`)
  return payout
}

/** A payout's audit trail, `from>to:source`, oldest first. */
export async function payoutMoves(payoutId: string) {
  const { results } = await env.DB.prepare(
    `SELECT from_status, to_status, source FROM audit_log WHERE entity_type = 'payout' AND entity_id = ?
     ORDER BY created_at, rowid`,
  )
    .bind(payoutId)
    .all<{ from_status: string | null; to_status: string; source: string }>()
  return results.map((row) => `${row.from_status ?? '∅'}>${row.to_status}:${row.source}`)
}

/** The transfers the emulator holds for a rental (their transfer group), oldest first. */
export const transfersOfRental = async (rentalId: string) =>
  (await frontend.transfers.list({ transfer_group: rentalId, limit: 100 })).data.reverse()

/** What the owner keeps of a rental's transfers at the emulator: sent less reversed. */
export const keptAtStripe = async (rentalId: string) =>
  (await transfersOfRental(rentalId)).reduce((sum, t) => sum + t.amount - t.amount_reversed, 0)

/**
 * Runs `work` while Stripe answers 500 to every `POST` under `path` (the SDK's retries included); with
 * `lostAnswers`, each request is carried out first, so Stripe acts and the caller never hears.
 */
export async function whileStripeFails<T>(path: string, work: () => Promise<T>, lostAnswers = false) {
  await injectFault({
    kind: 'error_500',
    count: lostAnswers ? 3 : 1_000,
    method: 'POST',
    path_prefix: path,
    after: lostAnswers,
  })
  try {
    return await work()
  } finally {
    await clearFaults()
  }
}

/** A connected account's balance at the emulator, in one currency. */
export async function accountBalance(accountId: string, currency = 'usd') {
  const balance = await frontend.balance.retrieve({}, { stripeAccount: accountId })
  return balance.available.find((entry) => entry.currency === currency)?.amount ?? 0
}

/** Pending deliveries to the Connect endpoint (optionally about one account, of one type), oldest first. */
export async function connectDeliveries(accountId?: string, type?: string) {
  return (await pendingWebhooks()).filter(
    (delivery) =>
      delivery.endpoint === 'connect' &&
      (!accountId || delivery.account === accountId) &&
      (!type || delivery.event_type === type),
  )
}

/** Delivers pending Connect events (about one account) to the API, in order; returns `type:outcome` each. */
export async function deliverConnect(accountId?: string, type?: string) {
  const outcomes: string[] = []
  for (const delivery of await connectDeliveries(accountId, type)) {
    const response = await postConnectWebhook(delivery.payload, delivery.signature)
    await markWebhook(delivery.id, response.ok, response.status)
    const body = (await response.json()) as { outcome?: string }
    if (!response.ok)
      throw new Error(`connect webhook ${delivery.event_type}: ${response.status} ${JSON.stringify(body)}`)
    outcomes.push(`${delivery.event_type}:${body.outcome}`)
  }
  return outcomes
}

/** The time just after a payout is due (for the cron's clock). */
export const justAfter = (payout: Pick<Payout, 'scheduledFor'>) => Date.parse(payout.scheduledFor) + 60_000
