import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  addBalance,
  completeOnboarding,
  disableAccount,
  expressAccount,
  failNextPayout,
  runPayouts,
  setCapability,
} from '../../emulator/connect'
import { api, expectProblem } from '../../helpers/api'
import { reconcileAt } from '../../helpers/cron'
import { db } from '../../helpers/factories'
import {
  deliver,
  deliverWebhooks,
  frontend,
  paidBooking,
  postConnectWebhook,
  webhooksAbout,
} from '../../helpers/payments'
import {
  CONNECT_SECRET,
  connectDeliveries,
  deliverConnect,
  justAfter,
  onboardedOwner,
  payoutFor,
  payoutMoves,
  transfersOfRental,
  whileStripeFails,
} from '../../helpers/payouts'
import { markWebhook, resendWebhook, useSettings } from '../../helpers/stripe-emulator'

const PLATFORM_SECRET = 'whsec_test_backline_emulator'

const sign = (payload: string, secret: string) =>
  frontend.webhooks.generateTestHeaderStringAsync({ payload, secret })

const accountCopy = (accountId: string) =>
  db.query.payoutAccounts.findFirst({ where: (table, { eq }) => eq(table.stripeAccountId, accountId) })

/** Posts one Connect delivery to the API, records the attempt; the API's answer. */
async function deliverOne(delivery: { id: string; payload: string; signature: string }) {
  const response = await postConnectWebhook(delivery.payload, delivery.signature)
  await markWebhook(delivery.id, response.ok, response.status)
  return { status: response.status, body: (await response.json()) as { outcome?: string; code?: string } }
}

describe('POST /api/webhooks/stripe-connect', () => {
  it("takes only events signed with the Connect endpoint's secret; the platform endpoint only its own", async () => {
    const owner = await onboardedOwner()
    await disableAccount(owner.accountId)
    const [delivery] = await connectDeliveries(owner.accountId, 'account.updated')
    const connect = (payload: string, signature: string) =>
      api('POST', '/api/webhooks/stripe-connect', {
        body: payload,
        headers: { 'stripe-signature': signature },
      })
    const platform = (payload: string, signature: string) =>
      api('POST', '/api/webhooks/stripe', { body: payload, headers: { 'stripe-signature': signature } })
    expectProblem(
      await connect(delivery!.payload, await sign(delivery!.payload, PLATFORM_SECRET)),
      400,
      'invalid_signature',
    )
    expectProblem(await platform(delivery!.payload, delivery!.signature), 400, 'invalid_signature')
    expectProblem(await connect(delivery!.payload, ''), 400, 'invalid_signature')
    expect((await accountCopy(owner.accountId))!.payoutsEnabled).toBe(true)
    const applied = await connect(delivery!.payload, await sign(delivery!.payload, CONNECT_SECRET))
    expect(applied.body).toEqual({ received: true, outcome: 'applied' })
    expect(await accountCopy(owner.accountId)).toMatchObject({
      payoutsEnabled: false,
      transfersCapability: 'inactive',
      disabledReason: 'requirements.past_due',
    })
    // The same event again is a duplicate.
    const again = await connect(delivery!.payload, await sign(delivery!.payload, CONNECT_SECRET))
    expect(again.body.outcome).toBe('duplicate')
  })

  it('an account Backline did not create is recorded and ignored (unknown_object)', async () => {
    const stranger = await expressAccount()
    await completeOnboarding(stranger.id)
    const outcomes = await deliverConnect(stranger.id)
    expect(outcomes).toContain('account.updated:unknown_object')
    const recorded = await env.DB.prepare('SELECT COUNT(*) AS n FROM stripe_events WHERE object_id = ?')
      .bind(stranger.id)
      .first<{ n: number }>()
    expect(recorded!.n).toBeGreaterThan(0)
  })

  it('reordered events apply the current truth: the account is re-read, whatever the order', async () => {
    const owner = await onboardedOwner()
    await deliverConnect(owner.accountId)
    await disableAccount(owner.accountId)
    await completeOnboarding(owner.accountId)
    const updates = await connectDeliveries(owner.accountId, 'account.updated')
    expect(updates).toHaveLength(2)
    // Newest first: enabled, then the older "disabled" arrives late.
    for (const delivery of [...updates].reverse()) expect((await deliverOne(delivery)).status).toBe(200)
    expect(await accountCopy(owner.accountId)).toMatchObject({
      payoutsEnabled: true,
      transfersCapability: 'active',
    })
    expect((await api('GET', '/api/me/payout-account', { token: owner.token })).body.status).toBe('enabled')
  })

  it("capability.updated and the owner's own bank payouts (payout.paid, payout.failed) refresh the account", async () => {
    const owner = await onboardedOwner()
    await deliverConnect(owner.accountId)
    await setCapability(owner.accountId, 'transfers', 'pending')
    expect(await deliverConnect(owner.accountId, 'capability.updated')).toEqual([
      'capability.updated:applied',
    ])
    expect((await accountCopy(owner.accountId))!.transfersCapability).toBe('pending')
    await completeOnboarding(owner.accountId)
    await deliverConnect(owner.accountId)
    await addBalance(1_000, 'usd', owner.accountId)
    await failNextPayout(owner.accountId)
    await runPayouts(owner.accountId)
    await runPayouts(owner.accountId)
    const outcomes = await deliverConnect(owner.accountId)
    expect(outcomes).toContain('payout.failed:applied')
    expect(outcomes).toContain('payout.paid:applied')
    expect(outcomes).toContain('payout.created:ignored')
  })

  it('accepts nothing without its secret (OWNER_PAYOUTS off, no STRIPE_CONNECT_WEBHOOK_SECRET)', async () => {
    const payload = JSON.stringify({
      id: 'evt_nokey',
      object: 'event',
      type: 'account.updated',
      data: { object: {} },
    })
    useSettings({ OWNER_PAYOUTS: 'off', STRIPE_CONNECT_WEBHOOK_SECRET: '' })
    try {
      for (const secret of [CONNECT_SECRET, 'whsec_anything'])
        expectProblem(
          await api('POST', '/api/webhooks/stripe-connect', {
            body: payload,
            headers: { 'stripe-signature': await sign(payload, secret) },
          }),
          400,
          'invalid_signature',
        )
    } finally {
      useSettings({ OWNER_PAYOUTS: 'stripe_connect', STRIPE_CONNECT_WEBHOOK_SECRET: CONNECT_SECRET })
    }
  })
})

describe('transfer.* events on the platform endpoint', () => {
  it('transfer.created records a release whose answer the cron never got', async () => {
    const owner = await onboardedOwner()
    const b = await paidBooking({ owner, startInDays: 30 })
    await deliverWebhooks()
    const payout = await payoutFor(b.paymentId)
    await whileStripeFails('/v1/transfers', () => reconcileAt(justAfter(payout)), true)
    expect((await payoutFor(b.paymentId)).status).toBe('scheduled')
    const [transfer] = await transfersOfRental(b.rentalId)
    const [created] = await webhooksAbout(transfer!.id, 'transfer.created')
    expect((await deliver(created!)).body.outcome).toBe('applied')
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'released', stripeTransferId: transfer!.id })
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api', 'scheduled>released:webhook'])
    await reconcileAt(justAfter(payout))
    expect(await transfersOfRental(b.rentalId)).toHaveLength(1)
  })

  it('transfer.reversed, repeated or late, leaves what Stripe holds: no double count', async () => {
    const owner = await onboardedOwner()
    const b = await paidBooking({ owner, startInDays: 40 })
    await deliverWebhooks()
    await reconcileAt(justAfter(await payoutFor(b.paymentId)))
    await deliverWebhooks()
    // Two refunds after release, each reversed at once through the API.
    for (const amount of [1_000, 2_000])
      await api('POST', `/api/payments/${b.paymentId}/refund`, { token: owner.token, body: { amount } })
    const expected = { status: 'partially_reversed', amountReversed: 2_700, owed: 4_050 }
    expect(await payoutFor(b.paymentId)).toMatchObject(expected)
    const [transfer] = await transfersOfRental(b.rentalId)
    const reversedEvents = await webhooksAbout(transfer!.id, 'transfer.reversed')
    expect(reversedEvents).toHaveLength(2)
    // The later one first, then the older one, then the later one again.
    for (const delivery of [reversedEvents[1]!, reversedEvents[0]!])
      expect((await deliver(delivery)).status).toBe(200)
    await resendWebhook(reversedEvents[1]!.id)
    const [again] = await webhooksAbout(transfer!.id, 'transfer.reversed')
    expect((await deliver(again!)).body.outcome).toBe('duplicate')
    expect(await payoutFor(b.paymentId)).toMatchObject(expected)
    expect(await payoutMoves((await payoutFor(b.paymentId)).id)).toEqual([
      '∅>scheduled:api',
      'scheduled>released:reconciler',
      'released>partially_reversed:api',
      'partially_reversed>partially_reversed:api',
    ])
  })

  it('transfers Backline did not make are recorded and ignored', async () => {
    const owner = await onboardedOwner()
    await addBalance(5_000)
    const made = await frontend.transfers.create({
      amount: 500,
      currency: 'usd',
      destination: owner.accountId,
    })
    const [created] = await webhooksAbout(made.id, 'transfer.created')
    expect((await deliver(created!)).body.outcome).toBe('unknown_object')
  })
})
