import { describe, expect, it } from 'vitest'
import { addBalance, runPayouts } from '../../emulator/connect'
import { settlePayout } from '../../../src/use-cases/payouts/payout-transfers'
import { api } from '../../helpers/api'
import { reconcileAt } from '../../helpers/cron'
import { services, type TestUser } from '../../helpers/factories'
import { deliverWebhooks, frontend, type paidBooking } from '../../helpers/payments'
import {
  accountBalance,
  justAfter,
  keptAtStripe,
  onboardedOwner,
  paidFor,
  payoutFor,
  payoutMoves,
  transfersOfRental,
  whileStripeFails,
} from '../../helpers/payouts'
import { useSettings } from '../../helpers/stripe-emulator'

const refund = (owner: TestUser, paymentId: string, amount?: number) =>
  api('POST', `/api/payments/${paymentId}/refund`, {
    token: owner.token,
    body: amount === undefined ? {} : { amount },
  })

/** A paid booking of `owner` whose payout the cron has released. */
async function released(owner: TestUser, overrides: Parameters<typeof paidBooking>[0] = {}) {
  const b = await paidFor(owner, overrides)
  const payout = await payoutFor(b.paymentId)
  await reconcileAt(justAfter(payout))
  const after = await payoutFor(b.paymentId)
  if (after.status !== 'released') throw new Error(`not released: ${JSON.stringify(after)}`)
  return { ...b, payout: after }
}

describe('a refund before release shrinks the scheduled payout', () => {
  it('proportional at odd amounts: $29.99 (fee 3.00) refunded $10.00 takes $9.00 from the owner; all of it, all', async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner, { dailyRate: 2_999, days: 1 })
    expect((await refund(owner, b.paymentId, 1_000)).status).toBe(200)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'scheduled', amount: 1_799, owed: 1_799 })
    expect((await refund(owner, b.paymentId)).status).toBe(200)
    const payout = await payoutFor(b.paymentId)
    expect(payout).toMatchObject({ status: 'reversed', amount: 0, owed: 0, releasedAt: null })
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api', 'scheduled>reversed:api'])
    // Due, it sends nothing.
    await reconcileAt(justAfter(payout))
    expect(await transfersOfRental(b.rentalId)).toEqual([])
    expect((await payoutFor(b.paymentId)).status).toBe('reversed')
  })

  it('proportional in a zero-decimal currency: ¥1,005 (fee ¥101) refunded ¥5 leaves the owner ¥900', async () => {
    const owner = await onboardedOwner()
    const b = await paidFor(owner, { dailyRate: 1_005, days: 1, currency: 'jpy' })
    await refund(owner, b.paymentId, 5)
    expect(await payoutFor(b.paymentId)).toMatchObject({ amount: 900, owed: 900, currency: 'jpy' })
    await refund(owner, b.paymentId, 333)
    // 338 refunded in all: the fee gives back round(338 × 101 / 1005 = 33.97) = 34, the owner 304.
    expect(await payoutFor(b.paymentId)).toMatchObject({ amount: 600, owed: 600 })
    await reconcileAt(justAfter(await payoutFor(b.paymentId)))
    const [transfer] = await transfersOfRental(b.rentalId)
    expect(transfer).toMatchObject({ amount: 600, currency: 'jpy' })
  })

  it('platform_keeps (the setting when the payment completed): the owner carries the refund', async () => {
    const owner = await onboardedOwner()
    useSettings({ REFUND_FEE_POLICY: 'platform_keeps' })
    const b = await paidFor(owner, { dailyRate: 2_999, days: 1 }).finally(() =>
      useSettings({ REFUND_FEE_POLICY: 'proportional' }),
    )
    await refund(owner, b.paymentId, 1_000)
    expect(await payoutFor(b.paymentId)).toMatchObject({ amount: 1_699, refundFeePolicy: 'platform_keeps' })
    await refund(owner, b.paymentId, 1_800)
    // 2 800 refunded: more than the owner's 2 699, so the fee gives back 101 and the owner has nothing left.
    expect(await payoutFor(b.paymentId)).toMatchObject({ amount: 0, status: 'reversed' })
  })
})

describe("a refund after release takes the owner's share back with a transfer reversal", () => {
  it('at once, through the refund request; a full refund reverses all of it', async () => {
    const owner = await onboardedOwner()
    const b = await released(owner, { dailyRate: 2_999, days: 1 })
    expect(await accountBalance(owner.accountId)).toBe(2_699)
    const partial = await refund(owner, b.paymentId, 1_000)
    expect(partial.body.payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })
    const payout = await payoutFor(b.paymentId)
    expect(payout).toMatchObject({
      status: 'partially_reversed',
      amount: 2_699,
      amountReversed: 900,
      owed: 1_799,
    })
    const [transfer] = await transfersOfRental(b.rentalId)
    expect(transfer).toMatchObject({ amount: 2_699, amount_reversed: 900 })
    expect(transfer!.reversals.data[0]).toMatchObject({ amount: 900, metadata: { payout_id: payout.id } })
    expect(await accountBalance(owner.accountId)).toBe(1_799)

    await refund(owner, b.paymentId)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'reversed', amountReversed: 2_699, owed: 0 })
    expect(await keptAtStripe(b.rentalId)).toBe(0)
    expect(await accountBalance(owner.accountId)).toBe(0)
    expect(await payoutMoves(payout.id)).toEqual([
      '∅>scheduled:api',
      'scheduled>released:reconciler',
      'released>partially_reversed:api',
      'partially_reversed>reversed:api',
    ])
    // Settled: the cron finds nothing to do.
    const { report } = await reconcileAt(Date.now() + 120_000)
    expect(report.payouts_settled).toBe(0)
  })

  it("the owner cancelling a paid rental after release refunds the renter in full and takes all of the owner's share back", async () => {
    const owner = await onboardedOwner()
    const b = await released(owner)
    const cancelled = await api('POST', `/api/rentals/${b.rentalId}/cancel`, { token: owner.token })
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancel_reason: 'cancelled_by_owner' })
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'reversed', owed: 0, amountReversed: 6_750 })
    expect(await keptAtStripe(b.rentalId)).toBe(0)
  })

  it('a refund made outside Backline (the Stripe dashboard) reaches the payout through its webhooks', async () => {
    const owner = await onboardedOwner()
    const b = await released(owner)
    await deliverWebhooks()
    await frontend.refunds.create({ payment_intent: b.intentId, amount: 2_000 })
    await deliverWebhooks()
    // 2 000 of 7 500 refunded: the fee gives back 200, the owner 1 800.
    expect(await payoutFor(b.paymentId)).toMatchObject({
      status: 'partially_reversed',
      amountReversed: 1_800,
    })
    expect(await keptAtStripe(b.rentalId)).toBe(4_950)
  })

  it('Stripe down during the reversal: the refund stands, the payout stays unsettled and the cron settles it', async () => {
    const owner = await onboardedOwner()
    const b = await released(owner)
    const refunded = await whileStripeFails('/v1/transfers/', () => refund(owner, b.paymentId, 1_000))
    expect(refunded.status).toBe(200)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'released', amountReversed: 0, owed: 5_850 })
    expect(await keptAtStripe(b.rentalId)).toBe(6_750)
    // The cron settles it, once.
    const later = Date.now() + 120_000
    const { report } = await reconcileAt(later)
    expect(report.payouts_settled).toBeGreaterThanOrEqual(1)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'partially_reversed', amountReversed: 900 })
    await reconcileAt(later + 120_000)
    expect(await keptAtStripe(b.rentalId)).toBe(5_850)
  })

  it('settlers at once (the refund request, its webhook, the cron) reverse once: one holds the claim', async () => {
    const owner = await onboardedOwner()
    const b = await released(owner)
    await whileStripeFails('/v1/transfers/', () => refund(owner, b.paymentId, 1_000))
    const payout = await payoutFor(b.paymentId)
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => settlePayout(services(), payout.id, 'reconciler')),
    )
    // Whoever held the claim reversed; the others were held off, or came after and found nothing to do.
    expect(outcomes).toContain('settled')
    for (const outcome of outcomes) expect(['settled', 'busy']).toContain(outcome)
    const [transfer] = await transfersOfRental(b.rentalId)
    expect(transfer!.reversals.data.map((reversal) => reversal.amount)).toEqual([900])
    expect(await payoutFor(b.paymentId)).toMatchObject({ amountReversed: 900, status: 'partially_reversed' })
  })

  it("the owner's balance paid out to their bank: the reversal waits until the balance can cover it", async () => {
    const owner = await onboardedOwner()
    const b = await released(owner)
    await runPayouts(owner.accountId)
    expect(await accountBalance(owner.accountId)).toBe(0)
    expect((await refund(owner, b.paymentId, 1_000)).status).toBe(200)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'released', owed: 5_850, amountReversed: 0 })
    const first = Date.now() + 120_000
    const { report } = await reconcileAt(first)
    expect(report.payouts_settled).toBe(0)
    expect((await payoutFor(b.paymentId)).amountReversed).toBe(0)
    // The owner earns again (another transfer lands on their balance): the next run takes the share back.
    await addBalance(900, 'usd', owner.accountId)
    await reconcileAt(first + 120_000)
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'partially_reversed', amountReversed: 900 })
  })
})
