import { describe, expect, it } from 'vitest'
import { expectProblem } from '../../helpers/api'
import {
  transitionsOf,
  booking,
  confirm,
  deliver,
  deliverAbout,
  frontend,
  getPayment,
  getRental,
  initiateAndPay,
  paidBooking,
  webhooksAbout,
  ownerRefund as refund,
} from '../../helpers/payments'
import { closeDispute } from '../../helpers/stripe-emulator'

/** A completed payment made with a given test payment method. */
async function paidWith(paymentMethod: string) {
  const b = await booking()
  const { intentId, paymentId } = await initiateAndPay(b, paymentMethod)
  const confirmed = await confirm(b, intentId)
  if (confirmed.status !== 200)
    throw new Error(`confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`)
  return { ...b, intentId, paymentId }
}

const disputeIdOf = async (intentId: string) => {
  const [created] = await webhooksAbout(intentId, 'charge.dispute.created')
  return JSON.parse(created!.payload).data.object.id as string
}

describe('refund webhooks', () => {
  it('charge.refunded for a refund made outside Backline records it and its amount, once', async () => {
    const b = await paidBooking()
    await deliverAbout(b.intentId)
    await frontend.refunds.create({ payment_intent: b.intentId, amount: 1_500 })
    expect(await deliverAbout(b.intentId, 'charge.refunded')).toEqual(['charge.refunded:applied'])
    const payment = (await getPayment(b)).body
    expect(payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_500 })
    expect(payment.refunds).toMatchObject([{ amount: 1_500, status: 'succeeded' }])
    // refund.created about the same refund changes nothing more.
    await deliverAbout(b.intentId)
    expect((await getPayment(b)).body).toMatchObject({ amount_refunded: 1_500, refunds: [{ amount: 1_500 }] })
    expect((await getRental(b)).body.status).toBe('active')
  })

  it("the webhooks of Backline's own refund change nothing more", async () => {
    const b = await paidBooking()
    expect((await refund(b, { amount: 2_000 })).status).toBe(200)
    const before = (await getPayment(b)).body
    const outcomes = await deliverAbout(b.intentId)
    expect(outcomes).toContain('charge.refunded:applied')
    expect(outcomes).toContain('refund.created:applied')
    expect((await getPayment(b)).body).toEqual(before)
  })

  it('refund.updated to failed (pm_card_refundFail) gives amount_refunded back, once', async () => {
    const b = await paidWith('pm_card_refundFail')
    const answered = await refund(b, { amount: 2_000 })
    expect(answered.body.refund.status).toBe('succeeded')
    expect(answered.body.payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 2_000 })
    const refundId: string = answered.body.refund.stripe_refund_id
    expect(await deliverAbout(refundId, 'refund.updated')).toEqual(['refund.updated:applied'])
    const payment = (await getPayment(b)).body
    expect(payment).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(payment.refunds).toMatchObject([{ amount: 2_000, status: 'failed' }])
    expect(payment.refunds[0].failure_reason).toBeTruthy()
    // charge.refund.updated, refund.failed and the rest: the amount is given back only once.
    const outcomes = await deliverAbout(b.intentId)
    expect(outcomes).toContain('charge.refund.updated:applied')
    expect(outcomes).toContain('refund.failed:applied')
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    const moves = (await transitionsOf(b.paymentId)).map((entry) => `${entry.from_status}>${entry.to_status}`)
    expect(moves).toEqual([
      'pending>completed',
      'completed>partially_refunded',
      'partially_refunded>completed',
    ])
    // What remains can be refunded again.
    expect((await refund(b, { amount: b.amount })).status).toBe(200)
  })

  it('charge.refund.updated alone also reflects the failure', async () => {
    const b = await paidWith('pm_card_refundFail')
    expect((await refund(b, { amount: 1_000 })).status).toBe(200)
    expect(await deliverAbout(b.intentId, 'charge.refund.updated')).toEqual(['charge.refund.updated:applied'])
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
  })
})

describe('dispute webhooks', () => {
  it('charge.dispute.created marks the payment disputed; closed and won, it is completed again', async () => {
    const b = await paidWith('pm_card_createDispute')
    const disputeId = await disputeIdOf(b.intentId)
    expect(await deliverAbout(b.intentId, 'charge.dispute.created')).toEqual([
      'charge.dispute.created:applied',
    ])
    expect((await getPayment(b)).body.status).toBe('disputed')
    expectProblem(await refund(b), 409, 'payment_not_refundable')
    await closeDispute(disputeId, 'won')
    expect(await deliverAbout(b.intentId, 'charge.dispute.closed')).toEqual(['charge.dispute.closed:applied'])
    expect((await getPayment(b)).body.status).toBe('completed')
    expect((await getRental(b)).body.status).toBe('active')
  })

  it('a lost dispute leaves the payment disputed', async () => {
    const b = await paidWith('pm_card_createDispute')
    const disputeId = await disputeIdOf(b.intentId)
    await deliverAbout(b.intentId, 'charge.dispute.created')
    await closeDispute(disputeId, 'lost')
    expect(await deliverAbout(b.intentId, 'charge.dispute.closed')).toEqual(['charge.dispute.closed:applied'])
    expect((await getPayment(b)).body.status).toBe('disputed')
  })

  it('a lost dispute whose created event never arrived still freezes the payment', async () => {
    const b = await paidWith('pm_card_createDispute')
    await closeDispute(await disputeIdOf(b.intentId), 'lost')
    expect(await deliverAbout(b.intentId, 'charge.dispute.closed')).toEqual(['charge.dispute.closed:applied'])
    expect((await getPayment(b)).body.status).toBe('disputed')
    expectProblem(await refund(b), 409, 'payment_not_refundable')
  })

  it('a late charge.dispute.created after the dispute was won does not reopen it', async () => {
    const b = await paidWith('pm_card_createDispute')
    const created = (await webhooksAbout(b.intentId, 'charge.dispute.created'))[0]!
    await closeDispute(JSON.parse(created.payload).data.object.id, 'won')
    await deliverAbout(b.intentId, 'charge.dispute.closed')
    expect((await deliver(created)).status).toBe(200)
    expect((await getPayment(b)).body.status).toBe('completed')
  })

  it('charge.dispute.created delivered before the payment is known to be complete still disputes it', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b, 'pm_card_createDispute')
    expect(await deliverAbout(intentId, 'charge.dispute.created')).toEqual(['charge.dispute.created:applied'])
    expect((await getPayment(b)).body).toMatchObject({
      status: 'disputed',
      stripe_payment_intent_id: intentId,
    })
    expect((await getRental(b)).body.status).toBe('active')
    // The payment's own events, arriving late, change nothing; neither does the renter's confirm.
    await deliverAbout(intentId)
    expect((await confirm(b, intentId)).body.status).toBe('disputed')
    expect((await getPayment(b)).body.status).toBe('disputed')
  })
})
