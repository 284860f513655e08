import { env } from 'cloudflare:test'
import { api } from './api'
import { reconcileAt } from './cron'
import { createListing, createUser, dateFromToday, type TestUser } from './factories'
import { confirm, frontend, initiate, RETURN_URL, type Booking } from './payments'
import { advanceClock, authenticate } from './stripe-emulator'

/*
 * Deposits in tests. Two clocks move together: the emulator's (advanceClock: holds expire on it, capture_before
 * is read from it) and the app's time for the cron (reconcileAt takes it). `appNow()` is real time plus how far
 * this file has moved the emulator clock, so a cron run at appNow() sees what Stripe sees.
 */

let offsetMs = 0

/** The time this file's emulator clock shows (real time plus what the file has advanced it by). */
export const appNow = () => Date.now() + offsetMs

/** Moves this file's emulator clock forward to `target` (ms); the app's time for the cron follows. */
export async function travelTo(target: number) {
  const seconds = Math.ceil((target - appNow()) / 1000)
  if (seconds <= 0) return
  await advanceClock(seconds)
  offsetMs += seconds * 1000
}

export const travel = (ms: number) => travelTo(appNow() + ms)

/** One cron run at the app's time now (the emulator's). */
export const cronNow = () => reconcileAt(appNow())

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

export interface DepositBooking extends Booking {
  intentId: string
  paymentId: string
}

/** 00:00 UTC on the day `days` from today, as ms. */
export const startOfDayFromToday = (days: number) => Date.parse(`${dateFromToday(days)}T00:00:00Z`)

/**
 * An owner, a renter, a listing with a deposit, a rental of it paid with `card` on-session (3-D Secure passed
 * when the card asks), through the API: the payment completes, and the deposit is scheduled (or held at once
 * when the start is near).
 */
export async function paidDepositBooking(
  options: {
    deposit?: number
    startInDays?: number
    days?: number
    card?: string
    owner?: TestUser
    renter?: TestUser
    cancellationPolicy?: 'flexible' | 'moderate' | 'strict'
  } = {},
): Promise<DepositBooking> {
  const owner = options.owner ?? (await createUser())
  const renter = options.renter ?? (await createUser())
  const listing = await createListing(owner, {
    dailyRate: 2_500,
    depositAmount: options.deposit ?? 10_000,
    cancellationPolicy: options.cancellationPolicy ?? 'flexible',
  })
  const start = options.startInDays ?? 0
  const [startDate, endDate] = [dateFromToday(start), dateFromToday(start + (options.days ?? 3))]
  const booked = await api('POST', '/api/rentals', {
    token: renter.token,
    body: { listing_id: listing.id, start_date: startDate, end_date: endDate },
  })
  if (booked.status !== 201)
    throw new Error(`booking failed: ${booked.status} ${JSON.stringify(booked.body)}`)
  const b: Booking = {
    owner,
    renter,
    listingId: listing.id,
    rentalId: booked.body.id,
    amount: booked.body.amount,
    startDate,
    endDate,
  }
  const started = await initiate(b)
  if (started.status !== 200) throw new Error(`initiate failed: ${JSON.stringify(started.body)}`)
  const intentId: string = started.body.payment_intent_id
  const intent = await frontend.paymentIntents.confirm(intentId, {
    payment_method: options.card ?? 'pm_card_visa',
    return_url: RETURN_URL,
  })
  if (intent.status === 'requires_action') await authenticate(intentId, 'succeed')
  const confirmed = await confirm(b, intentId)
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)}`)
  return { ...b, intentId, paymentId: started.body.payment_id }
}

/** A rental that started today, its deposit held at payment, and the instrument marked returned. */
export async function returnedWithDeposit(options: Parameters<typeof paidDepositBooking>[0] = {}) {
  const b = await paidDepositBooking({ startInDays: 0, ...options })
  const returned = await api('POST', `/api/rentals/${b.rentalId}/complete`, { token: b.owner.token })
  if (returned.status !== 200) throw new Error(`completing ${b.rentalId} answered ${returned.status}`)
  const deposit = await getDeposit(b, b.owner.token)
  if (deposit.body.status !== 'held')
    throw new Error(`the deposit of ${b.rentalId} is ${deposit.body.status}`)
  return b
}

/** POST /api/rentals/{id}/damage-claims, by the owner unless `token` says otherwise. */
export const fileClaim = (
  b: Pick<Booking, 'rentalId'> & { owner: TestUser },
  body: unknown,
  token = b.owner.token,
) => api('POST', `/api/rentals/${b.rentalId}/damage-claims`, { token, body })

/** The renter's answer to a claim (or anyone's, with their token). */
export const answerClaim = (claimId: string, verb: 'accept' | 'contest', token: string) =>
  api('POST', `/api/damage-claims/${claimId}/${verb}`, { token })

export const getDeposit = (b: Pick<Booking, 'rentalId'>, token: string) =>
  api('GET', `/api/rentals/${b.rentalId}/deposit`, { token })

/** The deposit row as stored. */
export const depositRow = (rentalId: string) =>
  env.DB.prepare('SELECT * FROM deposits WHERE rental_id = ?').bind(rentalId).first<Record<string, any>>()

/** Every intent attempt of a deposit, oldest first. */
export const depositAttempts = async (depositId: string) =>
  (
    await env.DB.prepare('SELECT * FROM deposit_intents WHERE deposit_id = ? ORDER BY attempt')
      .bind(depositId)
      .all<Record<string, any>>()
  ).results

/** Every PaymentIntent the emulator holds for a deposit (found by its metadata), oldest first. */
export async function intentsOfDeposit(depositId: string) {
  const all = await frontend.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  return all.filter((intent) => intent.metadata.deposit_id === depositId).reverse()
}

/** The capture_before of an intent's charge (ms), as the emulator says. */
export async function captureBefore(intentId: string) {
  const intent = await frontend.paymentIntents.retrieve(intentId, { expand: ['latest_charge'] })
  const charge = intent.latest_charge as { payment_method_details?: { card?: { capture_before?: number } } }
  return charge.payment_method_details!.card!.capture_before! * 1000
}
