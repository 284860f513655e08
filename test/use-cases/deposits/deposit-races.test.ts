import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { auditOf, deliver, frontend } from '../../helpers/payments'
import { db, services } from '../../helpers/factories'
import { deposits } from '../../../src/adapters/d1/schema'
import { placeHold } from '../../../src/use-cases/deposits/place-hold'
import { attemptOfIntent, refreshDepositIntent } from '../../../src/use-cases/deposits/deposit-intents'
import { injectFault, pendingWebhooks, resendWebhook, clearFaults } from '../../helpers/stripe-emulator'
import {
  appNow,
  captureBefore,
  cronNow,
  DAY,
  depositAttempts,
  depositRow,
  getDeposit,
  intentsOfDeposit,
  paidDepositBooking,
  startOfDayFromToday,
  travel,
  travelTo,
} from '../../helpers/deposits'

/*
 * Stripe down or answering into the void while a hold is placed, two cron runs at once, webhooks duplicated,
 * reordered and racing the cron's replay of the same events: each Stripe outcome applies once. The tests move
 * this file's clocks forward, each from where the last one left them.
 */

const transitions = async (id: string) => (await auditOf(id)).map((r) => `${r.from_status}>${r.to_status}`)

/** A paid booking starting the day this file's clocks show (days ahead of the real one by then), held by the cron. */
async function heldByCron() {
  const b = await paidDepositBooking({ startInDays: Math.ceil((appNow() - Date.now()) / DAY), days: 10 })
  await cronNow()
  const row = await depositRow(b.rentalId)
  expect(row!.status).toBe('held')
  return { b, row: row!, hold: (await intentsOfDeposit(row!.id))[0]! }
}

const LAPSE = ['charge.expired', 'payment_intent.canceled']

/** The emulator's pending deliveries of a hold's lapse. */
const lapseOf = async (holdId: string) =>
  (await pendingWebhooks()).filter(
    (delivery) => delivery.payload.includes(holdId) && LAPSE.includes(delivery.event_type),
  )

describe('placing a hold', () => {
  it('with Stripe down: the deposit stays scheduled, and the next run places it, once', async () => {
    const b = await paidDepositBooking({ startInDays: 2 })
    await travelTo(startOfDayFromToday(2) - DAY + 60_000)
    // Every try of the SDK (one and STRIPE_MAX_RETRIES = 2 more) answered 500: nothing made.
    await injectFault({ kind: 'error_500', count: 3, method: 'POST', path_prefix: '/v1/payment_intents' })
    const down = await cronNow()
    expect(down.report.deposits.holds_placed).toBe(0)
    expect(down.errors.map((error) => error.fields?.step)).toContain('deposit_hold')
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('scheduled')
    const row = await depositRow(b.rentalId)
    expect(await depositAttempts(row!.id)).toMatchObject([{ attempt: 1, stripe_payment_intent_id: null }])

    const up = await cronNow()
    expect(up.report.deposits.holds_placed).toBe(1)
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('held')
    // The same attempt, tried again with its key: one hold.
    expect(await intentsOfDeposit(row!.id)).toHaveLength(1)
    expect((await depositAttempts(row!.id)).map((a) => a.attempt)).toEqual([1])
  })

  it('whose answer is lost after Stripe made it: found and applied, never made twice', async () => {
    const b = await paidDepositBooking({ startInDays: 3 })
    await travelTo(startOfDayFromToday(3) - DAY + 60_000)
    // Carried out, then answered 500, every try: the hold exists at Stripe, the cron never hears of it.
    await injectFault({
      kind: 'error_500',
      count: 3,
      method: 'POST',
      path_prefix: '/v1/payment_intents',
      after: true,
    })
    await cronNow()
    await clearFaults()
    const row = await depositRow(b.rentalId)
    expect(row!.status).toBe('scheduled')
    const made = await intentsOfDeposit(row!.id)
    expect(made).toHaveLength(1)
    expect(made[0]!.status).toBe('requires_capture')

    await cronNow()
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('held')
    expect((await depositRow(b.rentalId))!.stripe_payment_intent_id).toBe(made[0]!.id)
    expect(await intentsOfDeposit(row!.id)).toHaveLength(1)
  })

  it('by two cron runs at once: one hold, one move', async () => {
    const b = await paidDepositBooking({ startInDays: 4 })
    await travelTo(startOfDayFromToday(4) - DAY + 60_000)
    const runs = await Promise.all([cronNow(), cronNow()])
    expect(runs.flatMap((run) => run.errors)).toEqual([])
    const row = await depositRow(b.rentalId)
    expect(row!.status).toBe('held')
    expect(await intentsOfDeposit(row!.id)).toHaveLength(1)
    expect(await transitions(row!.id)).toEqual(['null>scheduled', 'scheduled>held'])
  })
})

describe('a capture racing a fresh hold', () => {
  it('takes the money from the old hold, and the fresh one is canceled', async () => {
    const { row } = await heldByCron()
    const old = row.stripe_payment_intent_id as string
    // Captured at Stripe (a claim's capture whose answer is not applied yet) ...
    await frontend.paymentIntents.capture(old, { amount_to_capture: 3_000 })
    // ... while the cron places a fresh hold (an hour later: it lasts longer) and switches the deposit to it.
    await travelTo(appNow() + 60 * 60_000)
    const deposit = (await db.query.deposits.findFirst({ where: eq(deposits.id, row.id) }))!
    const renewed = await placeHold(services({ now: appNow() }), deposit, 'reconciler')
    expect(renewed.stripePaymentIntentId).not.toBe(old)
    // The capture is applied last: the money was taken, so the deposit is captured and the fresh hold canceled.
    const attempt = await attemptOfIntent({ db }, { id: old })
    const applied = await refreshDepositIntent(services({ now: appNow() }), attempt!, old, 'webhook')
    expect(applied.deposit).toMatchObject({ status: 'partially_captured', capturedAmount: 3_000 })
    const statuses = Object.fromEntries(
      (await intentsOfDeposit(row.id)).map((intent) => [intent.id, intent.status]),
    )
    expect(statuses).toEqual({ [old]: 'succeeded', [renewed.stripePaymentIntentId!]: 'canceled' })
  })
})

describe('the webhooks of a lapse', () => {
  it('reordered, duplicated and racing the cron’s replay of the same events: lapsed once', async () => {
    const { b, row, hold } = await heldByCron()
    // Past the hold's expiry (Stripe sends the lapse then), and later past the cron's staleness cutoff for
    // those events, with no run in between: the cron's replay takes them up, before its deposit sweep.
    await travelTo((await captureBefore(hold.id)) + 60_000)
    await travel(20 * 60_000)
    const lapse = await lapseOf(hold.id)
    expect(lapse.map((delivery) => delivery.event_type)).toEqual(LAPSE)
    // Newest first, while the cron replays the same events from Stripe's list.
    const [answers, run] = await Promise.all([
      (async () => {
        const outcomes: string[] = []
        for (const delivery of [...lapse].reverse()) outcomes.push((await deliver(delivery)).body.outcome!)
        return outcomes
      })(),
      cronNow(),
    ])
    expect(run.errors).toEqual([])
    for (const outcome of answers) expect(['applied', 'duplicate']).toContain(outcome)
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('lapsed')
    expect((await transitions(row.id)).filter((move) => move === 'held>lapsed')).toHaveLength(1)
    // Delivered again: duplicates, nothing moves.
    for (const delivery of lapse) await resendWebhook(delivery.id)
    const again = await lapseOf(hold.id)
    expect(again).toHaveLength(2)
    for (const delivery of again) expect((await deliver(delivery)).body.outcome).toBe('duplicate')
    expect((await transitions(row.id)).filter((move) => move === 'held>lapsed')).toHaveLength(1)
    const events = await env.DB.prepare('SELECT COUNT(*) AS n FROM stripe_events WHERE object_id = ?')
      .bind(hold.id)
      .first<{ n: number }>()
    expect(events!.n).toBeGreaterThanOrEqual(1)
  })

  it('a hold Stripe expired before any run saw it is replaced by the cron, and its late lapse moves nothing', async () => {
    const { b, row, hold } = await heldByCron()
    // The cron's first run after the expiry comes before the lapse is delivered and before its own replay
    // window reaches the events: it still sees the deposit held on an expiring hold, and places a fresh one.
    await travelTo((await captureBefore(hold.id)) + 60_000)
    const run = await cronNow()
    expect(run.errors).toEqual([])
    const renewed = (await intentsOfDeposit(row.id)).find((intent) => intent.id !== hold.id)!
    expect(renewed.status).toBe('requires_capture')
    // Then the lapse of the old hold arrives: the deposit stays held, on the fresh hold.
    const lapse = await lapseOf(hold.id)
    expect(lapse).toHaveLength(2)
    for (const delivery of lapse) expect((await deliver(delivery)).body.outcome).toBe('applied')
    const deposit = (await getDeposit(b, b.owner.token)).body
    expect(deposit.status).toBe('held')
    expect(Date.parse(deposit.hold_expires_at!)).toBeGreaterThan(appNow())
    expect(await transitions(row.id)).not.toContain('held>lapsed')
  })
})
