import { env } from 'cloudflare:test'
import { stripeClient } from '../emulator/client'
import { api, callWorker } from './api'
import { createListing, createUser, dateFromToday, type TestUser } from './factories'
import { deliverPendingWebhooks, markWebhook, pendingWebhooks, type WebhookDelivery } from './stripe-emulator'

/** Stands in for Stripe.js in the browser: confirms intents with Stripe's test payment methods. */
export const frontend = stripeClient()

/** Stripe.js passes where to come back after a redirect (3-D Secure); Stripe requires it server-side too. */
export const RETURN_URL = 'https://shop.example/rentals/return'

export interface Booking {
  owner: TestUser
  renter: TestUser
  listingId: string
  rentalId: string
  amount: number
  startDate: string
  endDate: string
}

let nextOffset = 1

/**
 * An owner (or the one given), a renter, a listing (or the owner's one given) and a pending rental of it (each
 * booking gets its own dates).
 */
export async function booking(
  overrides: {
    dailyRate?: number
    currency?: string
    days?: number
    startInDays?: number
    cancellationPolicy?: 'flexible' | 'moderate' | 'strict'
    timeZone?: string
    owner?: TestUser
    listingId?: string
  } = {},
): Promise<Booking> {
  const owner = overrides.owner ?? (await createUser())
  const renter = await createUser()
  const listing = overrides.listingId
    ? { id: overrides.listingId }
    : await createListing(owner, {
        dailyRate: overrides.dailyRate ?? 2_500,
        currency: overrides.currency ?? 'usd',
        cancellationPolicy: overrides.cancellationPolicy ?? 'flexible',
        timeZone: overrides.timeZone ?? 'UTC',
      })
  const start = overrides.startInDays ?? nextOffset++
  const days = overrides.days ?? 3
  const [startDate, endDate] = [dateFromToday(start), dateFromToday(start + days)]
  const res = await api('POST', '/api/rentals', {
    token: renter.token,
    body: { listing_id: listing.id, start_date: startDate, end_date: endDate },
  })
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`)
  return {
    owner,
    renter,
    listingId: listing.id,
    rentalId: res.body.id,
    amount: res.body.amount,
    startDate,
    endDate,
  }
}

export const initiate = (b: Booking, token = b.renter.token) =>
  api('POST', `/api/payments/${b.rentalId}/initiate`, { token })

export const confirm = (b: Booking, intentId: string, token = b.renter.token) =>
  api('POST', `/api/payments/${b.rentalId}/confirm`, { token, body: { stripe_payment_intent_id: intentId } })

/** Initiates, pays with the given test payment method in "the browser", and returns the intent id. */
export async function initiateAndPay(b: Booking, paymentMethod = 'pm_card_visa') {
  const started = await initiate(b)
  if (started.status !== 200)
    throw new Error(`initiate failed: ${started.status} ${JSON.stringify(started.body)}`)
  const intentId: string = started.body.payment_intent_id
  try {
    await frontend.paymentIntents.confirm(intentId, { payment_method: paymentMethod, return_url: RETURN_URL })
  } catch {
    // A declined card throws in the browser too; the API finds out from Stripe.
  }
  return {
    intentId,
    paymentId: started.body.payment_id as string,
    clientSecret: started.body.client_secret as string,
  }
}

/** A completed payment for a fresh booking. */
export async function paidBooking(overrides: Parameters<typeof booking>[0] = {}) {
  const b = await booking(overrides)
  const { intentId, paymentId } = await initiateAndPay(b)
  const confirmed = await confirm(b, intentId)
  if (confirmed.status !== 200)
    throw new Error(`confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`)
  return { ...b, intentId, paymentId }
}

/** The owner's POST /api/payments/{payment_id}/refund for a paid booking, with `body` (none when undefined). */
export const ownerRefund = (b: Booking & { paymentId: string }, body?: unknown) =>
  api('POST', `/api/payments/${b.paymentId}/refund`, { token: b.owner.token, body })

export const postWebhook = (payload: string, signature: string) =>
  callWorker(
    new Request('https://backline.test/api/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    }),
  )

/** The Connect endpoint: connected accounts' events, signed with their own secret. */
export const postConnectWebhook = (payload: string, signature: string) =>
  callWorker(
    new Request('https://backline.test/api/webhooks/stripe-connect', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    }),
  )

/** Delivers every webhook the emulator has queued to the API (each to its endpoint), in order; returns the HTTP statuses. */
export async function deliverWebhooks() {
  const post = (payload: string, signature: string, delivery: WebhookDelivery) =>
    delivery.endpoint === 'connect' ? postConnectWebhook(payload, signature) : postWebhook(payload, signature)
  return (await deliverPendingWebhooks(post)).map((response) => response.status)
}

export const getPayment = (b: Booking, token = b.renter.token) =>
  api('GET', `/api/payments/${b.rentalId}`, { token })
export const getRental = (b: Booking, token = b.renter.token) =>
  api('GET', `/api/rentals/${b.rentalId}`, { token })

/** Pending emulator deliveries whose payload mentions `objectId` (optionally of one type), oldest first. */
export async function webhooksAbout(objectId: string, type?: string) {
  const deliveries = await pendingWebhooks()
  return deliveries.filter(
    (delivery) => delivery.payload.includes(objectId) && (!type || delivery.event_type === type),
  )
}

/** Posts one emulator delivery to the API, records the attempt, and returns the API's answer. */
export async function deliver(delivery: WebhookDelivery) {
  const response = await postWebhook(delivery.payload, delivery.signature)
  await markWebhook(delivery.id, response.ok, response.status)
  return {
    status: response.status,
    body: (await response.json()) as { received?: true; outcome?: string; code?: string },
  }
}

/** Delivers the pending webhooks about one object (optionally of one type), in order; returns the outcomes. */
export async function deliverAbout(objectId: string, type?: string) {
  const outcomes: string[] = []
  for (const delivery of await webhooksAbout(objectId, type)) {
    const answer = await deliver(delivery)
    if (answer.status !== 200)
      throw new Error(`webhook ${delivery.event_type}: ${answer.status} ${JSON.stringify(answer.body)}`)
    outcomes.push(`${delivery.event_type}:${answer.body.outcome}`)
  }
  return outcomes
}

/** The audit trail of one payment, rental or refund, oldest first. */
export async function auditOf(entityId: string) {
  const { results } = await env.DB.prepare(
    'SELECT from_status, to_status, source, detail FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid',
  )
    .bind(entityId)
    .all<{ from_status: string | null; to_status: string; source: string; detail: string | null }>()
  return results
}

/** The audit trail after the payment's creation (its first row, null → pending, is checked on its own). */
export async function transitionsOf(paymentId: string) {
  const [created, ...transitions] = await auditOf(paymentId)
  if (created?.from_status !== null || created.to_status !== 'pending') {
    throw new Error(`the first audit row of ${paymentId} is not its creation: ${JSON.stringify(created)}`)
  }
  return transitions
}

/** Every PaymentIntent the emulator holds for one of our payments (found by its metadata). */
export async function intentsOfPayment(paymentId: string) {
  const all = await frontend.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  return all.filter((intent) => intent.metadata.payment_id === paymentId)
}

/** Whether the booking's listing is free for the booking's dates. */
export const datesFree = async (b: Booking) =>
  (await api('GET', `/api/listings/${b.listingId}/availability?from=${b.startDate}&to=${b.endDate}`)).body
    .available as boolean

/** A completed payment made with a test payment method, its own webhooks delivered (only later ones remain). */
export async function paidWith(paymentMethod: string, overrides: Parameters<typeof booking>[0] = {}) {
  const b = await booking(overrides)
  const { intentId, paymentId } = await initiateAndPay(b, paymentMethod)
  const confirmed = await confirm(b, intentId)
  if (confirmed.status !== 200)
    throw new Error(`confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`)
  await deliverAbout(intentId)
  return { ...b, intentId, paymentId }
}
