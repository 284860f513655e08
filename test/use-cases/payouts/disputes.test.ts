import { describe, expect, it } from 'vitest'
import { reconcileAt } from '../../helpers/cron'
import type { TestUser } from '../../helpers/factories'
import {
  booking,
  confirm,
  deliverWebhooks,
  frontend,
  getPayment,
  initiateAndPay,
} from '../../helpers/payments'
import {
  accountBalance,
  justAfter,
  keptAtStripe,
  onboardedOwner,
  payoutFor,
  payoutMoves,
  transfersOfRental,
} from '../../helpers/payouts'
import { closeDispute } from '../../helpers/stripe-emulator'

/** A booking of `owner` paid with the card that disputes its charge (the dispute's webhooks not yet delivered). */
async function disputedPayment(owner: TestUser) {
  // Far enough ahead that the cron's replay of missed events (3 days back) leaves the dispute to the webhook.
  const b = await booking({ owner, startInDays: 10 + Math.floor(Math.random() * 300) })
  const { intentId, paymentId } = await initiateAndPay(b, 'pm_card_createDispute')
  expect((await confirm(b, intentId)).status).toBe(200)
  const [dispute] = (await frontend.disputes.list({ payment_intent: intentId })).data
  return { ...b, intentId, paymentId, disputeId: dispute!.id }
}

describe('a dispute before release holds the payout', () => {
  it('held while open (the cron does not release it); won, it is scheduled again and released', async () => {
    const owner = await onboardedOwner()
    const b = await disputedPayment(owner)
    await deliverWebhooks()
    expect((await getPayment(b)).body.status).toBe('disputed')
    const payout = await payoutFor(b.paymentId)
    expect(payout).toMatchObject({ status: 'held', disputedAmount: b.amount, owed: 0, amount: 0 })
    await reconcileAt(justAfter(payout))
    expect((await payoutFor(b.paymentId)).status).toBe('held')
    expect(await transfersOfRental(b.rentalId)).toEqual([])

    await closeDispute(b.disputeId, 'won')
    await deliverWebhooks()
    expect(await payoutFor(b.paymentId)).toMatchObject({
      status: 'scheduled',
      disputedAmount: 0,
      amount: 6_750,
    })
    await reconcileAt(justAfter(payout))
    expect((await payoutFor(b.paymentId)).status).toBe('released')
    expect(await payoutMoves(payout.id)).toEqual([
      '∅>scheduled:api',
      'scheduled>held:webhook',
      'held>scheduled:webhook',
      'scheduled>released:reconciler',
    ])
  })

  it('lost: nothing is left for the owner, the payout is reversed and never sent', async () => {
    const owner = await onboardedOwner()
    const b = await disputedPayment(owner)
    await deliverWebhooks()
    await closeDispute(b.disputeId, 'lost')
    await deliverWebhooks()
    const payout = await payoutFor(b.paymentId)
    expect(payout).toMatchObject({ status: 'reversed', owed: 0, amount: 0, disputedAmount: b.amount })
    await reconcileAt(justAfter(payout))
    expect(await transfersOfRental(b.rentalId)).toEqual([])
  })
})

describe('a dispute after release reverses the disputed owner share', () => {
  it('taken back when it opens, and given back with a new transfer when it is won', async () => {
    const owner = await onboardedOwner()
    const b = await disputedPayment(owner)
    const payout = await payoutFor(b.paymentId)
    await reconcileAt(justAfter(payout))
    expect((await payoutFor(b.paymentId)).status).toBe('released')
    expect(await accountBalance(owner.accountId)).toBe(6_750)

    await deliverWebhooks()
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'reversed', owed: 0, amountReversed: 6_750 })
    expect(await keptAtStripe(b.rentalId)).toBe(0)
    expect(await accountBalance(owner.accountId)).toBe(0)

    await closeDispute(b.disputeId, 'won')
    await deliverWebhooks()
    const after = await payoutFor(b.paymentId)
    expect(after).toMatchObject({ status: 'released', owed: 6_750, amount: 6_750, amountReversed: 0 })
    const transfers = await transfersOfRental(b.rentalId)
    expect(transfers.map((t) => [t.metadata.kind, t.amount, t.amount_reversed])).toEqual([
      ['release', 6_750, 6_750],
      ['give_back', 6_750, 0],
    ])
    expect(await accountBalance(owner.accountId)).toBe(6_750)
    expect(await payoutMoves(payout.id)).toEqual([
      '∅>scheduled:api',
      'scheduled>released:reconciler',
      'released>reversed:webhook',
      'reversed>released:webhook',
    ])
  })

  it('lost: the owner share stays reversed', async () => {
    const owner = await onboardedOwner()
    const b = await disputedPayment(owner)
    const payout = await payoutFor(b.paymentId)
    await reconcileAt(justAfter(payout))
    await deliverWebhooks()
    await closeDispute(b.disputeId, 'lost')
    await deliverWebhooks()
    expect(await payoutFor(b.paymentId)).toMatchObject({ status: 'reversed', owed: 0, amountReversed: 6_750 })
    expect(await transfersOfRental(b.rentalId)).toHaveLength(1)
    expect(await keptAtStripe(b.rentalId)).toBe(0)
  })
})
