import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { startOfDay } from '../../../src/domain/cancellation-policies'
import { releasePayout } from '../../../src/use-cases/payouts/payout-transfers'
import { completeOnboarding, disableAccount } from '../../emulator/connect'
import { api } from '../../helpers/api'
import { reconcileAt } from '../../helpers/cron'
import { createUser, services } from '../../helpers/factories'
import { deliverWebhooks, getPayment } from '../../helpers/payments'
import {
  accountBalance,
  deliverConnect,
  justAfter,
  onboardedOwner,
  payoutAccountOf,
  payoutFor,
  payoutMoves,
  payoutOf,
  paidFor,
  transfersOfRental,
  whileStripeFails,
} from '../../helpers/payouts'
import { useSettings } from '../../helpers/stripe-emulator'

describe('a completed payment schedules its payout', () => {
  it("of the owner's share, due at 00:00 on the start date in the rental's time zone, in the batch that completes it", async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner, { dailyRate: 2_999, days: 1, timeZone: 'Europe/Berlin' })
    const payment = (await getPayment(b)).body
    const payout = await payoutFor(b.paymentId)
    expect(payout).toMatchObject({
      rentalId: b.rentalId,
      ownerId: owner.id,
      amount: 2_699,
      owed: 2_699,
      currency: 'usd',
      status: 'scheduled',
      refundFeePolicy: 'proportional',
      scheduledFor: startOfDay(b.startDate, 'Europe/Berlin').toISOString(),
      releasedAt: null,
      stripeTransferId: null,
      attempt: 1,
    })
    expect(payment.owner_payout_amount).toBe(2_699)
    // Written by the very batch that completed the payment: the same instant.
    expect(payout.createdAt).toBe(payment.completed_at)
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api'])
    // Stripe's own reports of the same success change nothing.
    await deliverWebhooks()
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api'])
    const { results } = await env.DB.prepare('SELECT id FROM payouts WHERE payment_id = ?')
      .bind(b.paymentId)
      .all()
    expect(results).toHaveLength(1)
  })

  it('PAYOUT_RELEASE_AT and PAYOUT_DELAY_DAYS choose the moment; OWNER_PAYOUTS=off schedules none', async () => {
    const owner = await onboardedOwner()
    try {
      useSettings({ PAYOUT_RELEASE_AT: 'payment', PAYOUT_DELAY_DAYS: '2' })
      const atPayment = await paidFor(owner)
      const payout = await payoutFor(atPayment.paymentId)
      // Two days after the completion, to the millisecond (reckoned from the completing batch's own time).
      expect(Date.parse(payout.scheduledFor) - Date.parse(payout.createdAt)).toBe(2 * 86_400_000)
      useSettings({ PAYOUT_RELEASE_AT: 'rental_end', PAYOUT_DELAY_DAYS: '1' })
      const atEnd = await paidFor(owner, { days: 4 })
      const end = new Date(Date.parse(`${atEnd.endDate}T00:00:00Z`) + 86_400_000).toISOString()
      expect((await payoutFor(atEnd.paymentId)).scheduledFor).toBe(end)
      useSettings({ REFUND_FEE_POLICY: 'platform_keeps' })
      expect((await payoutFor((await paidFor(owner)).paymentId)).refundFeePolicy).toBe('platform_keeps')
      useSettings({ OWNER_PAYOUTS: 'off' })
      const off = await paidFor(owner)
      expect(await payoutOf(off.paymentId)).toBeUndefined()
    } finally {
      useSettings({
        PAYOUT_RELEASE_AT: 'rental_start',
        PAYOUT_DELAY_DAYS: '0',
        REFUND_FEE_POLICY: 'proportional',
        OWNER_PAYOUTS: 'stripe_connect',
      })
    }
  })
})

describe('the cron releases a due payout as a Stripe Transfer', () => {
  it("not before it is due; then to the owner's account, from the payment's charge, in the rental's group", async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner, { startInDays: 3 })
    const payout = await payoutFor(b.paymentId)
    await reconcileAt(Date.parse(payout.scheduledFor) - 3_600_000)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'scheduled', stripeTransferId: null })
    expect(await transfersOfRental(b.rentalId)).toEqual([])

    const { report, errors } = await reconcileAt(justAfter(payout))
    expect(errors).toEqual([])
    expect(report.payouts_released).toBeGreaterThanOrEqual(1)
    const released = await payoutFor(b.paymentId)
    const [transfer, ...more] = await transfersOfRental(b.rentalId)
    expect(more).toEqual([])
    expect(released).toMatchObject({
      status: 'released',
      stripeTransferId: transfer!.id,
      stripeAccountId: owner.accountId,
      amount: 6_750,
      amountReversed: 0,
    })
    const charge = (await getPayment(b)).body.stripe_charge_id
    expect(transfer).toMatchObject({
      amount: 6_750,
      currency: 'usd',
      destination: owner.accountId,
      source_transaction: charge,
      transfer_group: b.rentalId,
      metadata: { payout_id: payout.id, payment_id: b.paymentId, kind: 'release' },
    })
    expect(await accountBalance(owner.accountId)).toBe(6_750)
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api', 'scheduled>released:reconciler'])
    // The next run has nothing to do for it.
    await reconcileAt(justAfter(payout) + 600_000)
    expect(await transfersOfRental(b.rentalId)).toHaveLength(1)
  })

  it('Stripe down during the release: it stays scheduled (the run counts an error) and the next run releases it', async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner)
    const payout = await payoutFor(b.paymentId)
    const { report, errors } = await whileStripeFails('/v1/transfers', () => reconcileAt(justAfter(payout)))
    expect(report.errors).toBeGreaterThanOrEqual(1)
    expect(errors.map((line) => line.fields?.id)).toContain(payout.id)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'scheduled', attempt: 1 })
    expect(await transfersOfRental(b.rentalId)).toEqual([])
    await reconcileAt(justAfter(payout))
    expect((await payoutFor(b.paymentId)).status).toBe('released')
    expect(await transfersOfRental(b.rentalId)).toHaveLength(1)
  })

  it('a lost answer (Stripe made the transfer, the cron never heard): the next run finds it, and sends none', async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner)
    const payout = await payoutFor(b.paymentId)
    // Every try of the SDK is carried out, then answered 500.
    await whileStripeFails('/v1/transfers', () => reconcileAt(justAfter(payout)), true)
    const [made, ...more] = await transfersOfRental(b.rentalId)
    expect(more).toEqual([])
    expect((await payoutFor(b.paymentId)).status).toBe('scheduled')
    await reconcileAt(justAfter(payout))
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'released', stripeTransferId: made!.id })
    expect(await transfersOfRental(b.rentalId)).toHaveLength(1)
  })

  it('concurrent runs send one transfer: the idempotency key makes one, the conditional move records it once', async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner)
    const payout = await payoutFor(b.paymentId)
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => releasePayout(services(), payout)))
    expect(outcomes).toEqual(['released', 'released', 'released', 'released'])
    expect(await transfersOfRental(b.rentalId)).toHaveLength(1)
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api', 'scheduled>released:reconciler'])
    // And whole cron runs at once.
    const other = await paidFor(owner)
    const second = await payoutFor(other.paymentId)
    await Promise.all([
      reconcileAt(justAfter(second)),
      reconcileAt(justAfter(second)),
      reconcileAt(justAfter(second)),
    ])
    expect(await transfersOfRental(other.rentalId)).toHaveLength(1)
    expect((await payoutMoves(second.id)).filter((move) => move.includes('>released'))).toHaveLength(1)
    expect(await accountBalance(owner.accountId)).toBe(2 * 6_750)
  })
})

describe('a transfer Stripe refuses', () => {
  it("fails the payout with Stripe's error; account.updated saying it can receive again retries it", async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner)
    const payout = await payoutFor(b.paymentId)
    // Stripe disables the account; Backline has not heard yet (its copy says it can receive).
    await disableAccount(owner.accountId)
    const { report } = await reconcileAt(justAfter(payout))
    expect(report.payouts_failed).toBeGreaterThanOrEqual(1)
    const failed = await payoutFor(b.paymentId)
    expect(failed).toMatchObject({
      status: 'failed',
      failureCode: 'insufficient_capabilities_for_transfer',
      failureMessage: expect.stringContaining('capabilities'),
      attempt: 1,
    })
    expect(await transfersOfRental(b.rentalId)).toEqual([])
    const listed = await api('GET', '/api/payouts?status=failed', { token: owner.token })
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        id: payout.id,
        status: 'failed',
        failure_code: 'insufficient_capabilities_for_transfer',
      }),
    ])
    // Still unable to receive: the account's own events change nothing for the payout.
    await deliverConnect(owner.accountId)
    expect((await payoutFor(b.paymentId)).status).toBe('failed')
    await reconcileAt(justAfter(payout))
    expect((await payoutFor(b.paymentId)).status).toBe('failed')

    await completeOnboarding(owner.accountId)
    expect(await deliverConnect(owner.accountId, 'account.updated')).toEqual(['account.updated:applied'])
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'scheduled', attempt: 2 })
    await reconcileAt(justAfter(payout))
    const released = await payoutFor(b.paymentId)
    expect(released).toMatchObject({ status: 'released', failureCode: null, attempt: 2 })
    expect(await transfersOfRental(b.rentalId)).toHaveLength(1)
    expect(await payoutMoves(payout.id)).toEqual([
      '∅>scheduled:api',
      'scheduled>failed:reconciler',
      'failed>scheduled:webhook',
      'scheduled>released:reconciler',
    ])
  })

  it('an owner with no payout account: failed without asking Stripe, released once they onboard', async () => {
    const owner = await createUser()
    const b = await paidFor(owner)
    const payout = await payoutFor(b.paymentId)
    await reconcileAt(justAfter(payout))
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'failed', failureCode: 'no_payout_account' })
    const accountId = await payoutAccountOf(owner)
    await completeOnboarding(accountId)
    // The owner comes back from onboarding and reads their account: it can receive, so the payout is retried.
    expect((await api('GET', '/api/me/payout-account', { token: owner.token })).body.status).toBe('enabled')
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'scheduled', attempt: 2 })
    await reconcileAt(justAfter(payout))
    expect((await payoutFor(b.paymentId)).status).toBe('released')
    expect(await payoutMoves(payout.id)).toContain('failed>scheduled:api')
  })

  it('a lost account.updated: the cron reads the account again (hourly at most) and retries', async () => {
    const owner = await onboardedOwner()
    // Due at once, so that the cron runs at about the real time (its clock decides what is an hour old).
    useSettings({ PAYOUT_RELEASE_AT: 'payment' })
    const b = await paidFor(owner).finally(() => useSettings({ PAYOUT_RELEASE_AT: 'rental_start' }))
    const payout = await payoutFor(b.paymentId)
    await disableAccount(owner.accountId)
    const now = Date.now()
    await reconcileAt(now + 60_000)
    expect((await payoutFor(b.paymentId)).status).toBe('failed')
    await completeOnboarding(owner.accountId)
    // No webhook is delivered. Within the hour the cron leaves the account alone ...
    const { report: early } = await reconcileAt(now + 120_000)
    expect(early.payout_accounts_refreshed).toBe(0)
    expect((await payoutFor(b.paymentId)).status).toBe('failed')
    // ... then reads it, finds it can receive, retries and releases the payout in the same run.
    const { report } = await reconcileAt(now + 2 * 3_600_000)
    expect(report.payout_accounts_refreshed).toBeGreaterThanOrEqual(1)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'released', attempt: 2 })
    expect(await payoutMoves(payout.id)).toContain('failed>scheduled:reconciler')
  })
})
