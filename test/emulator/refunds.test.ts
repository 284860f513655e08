import type Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { resetEmulator, settleRefund } from '../helpers/stripe-emulator'
import { paidIntent, stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

describe('POST /v1/refunds', () => {
  it('refunds part by payment_intent, then the rest by charge, keeping the charge right', async () => {
    const intent = await paidIntent()
    const partial = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 500,
      reason: 'requested_by_customer',
      metadata: { refund_id: 'ref_1' },
    })
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 500,
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { refund_id: 'ref_1' },
      charge: intent.latest_charge,
      payment_intent: intent.id,
    })
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      amount_refunded: 500,
      refunded: false,
    })
    const rest = await stripe.refunds.create({ charge: intent.latest_charge as string })
    expect(rest.amount).toBe(1_500)
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      amount_refunded: 2_000,
      refunded: true,
    })
  })

  it('rejects over-refunds as Stripe does', async () => {
    const intent = await paidIntent()
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 2_001 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'amount_too_large',
      param: 'amount',
    })
    await stripe.refunds.create({ payment_intent: intent.id })
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 1 })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    })
  })

  it('rejects a refund without a target, of an unpaid intent, or of an unknown charge', async () => {
    await expect(stripe.refunds.create({})).rejects.toMatchObject({ code: 'parameter_missing' })
    const unpaid = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    await expect(stripe.refunds.create({ payment_intent: unpaid.id })).rejects.toMatchObject({
      param: 'payment_intent',
    })
    await expect(stripe.refunds.create({ charge: 'ch_missing' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
  })

  it('pm_card_refundFail: the refund is created succeeded, then fails', async () => {
    const intent = await paidIntent('pm_card_refundFail')
    const refund = await stripe.refunds.create({ payment_intent: intent.id })
    expect(refund.status).toBe('succeeded')
    expect(await stripe.refunds.retrieve(refund.id)).toMatchObject({
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
    })
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      amount_refunded: 0,
      refunded: false,
    })
    const types = (await stripe.events.list({ limit: 5 })).data.map((event) => event.type)
    expect(types).toEqual([
      'refund.failed',
      'charge.refund.updated',
      'refund.updated',
      'charge.refunded',
      'refund.created',
    ])
  })
})

describe('pm_card_pendingRefund', () => {
  const latestEvents = async (limit: number) => (await stripe.events.list({ limit })).data

  async function pendingRefund(amount?: number) {
    const intent = await paidIntent('pm_card_pendingRefund')
    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount })
    return { intent, refund }
  }

  it('creates the refund pending and keeps it pending, counted in amount_refunded', async () => {
    const { intent, refund } = await pendingRefund()
    expect(refund).toMatchObject({ object: 'refund', status: 'pending', amount: 2_000 })
    expect(await stripe.refunds.retrieve(refund.id)).toMatchObject({ status: 'pending' })
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      amount_refunded: 2_000,
      refunded: true,
      payment_method_details: { card: { brand: 'visa', last4: '7726', funding: 'credit' } },
    })
    const events = await latestEvents(2)
    expect(events.map((event) => event.type)).toEqual(['charge.refunded', 'refund.created'])
    expect(events[1]?.data.object).toMatchObject({ id: refund.id, status: 'pending' })
  })

  it('settles succeed: the refund turns succeeded with refund.updated and charge.refund.updated', async () => {
    const { intent, refund } = await pendingRefund()
    expect(await settleRefund(refund.id, 'succeed')).toMatchObject({ id: refund.id, status: 'succeeded' })
    expect(await stripe.refunds.retrieve(refund.id)).toMatchObject({ status: 'succeeded' })
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      amount_refunded: 2_000,
      refunded: true,
    })
    const events = await latestEvents(2)
    expect(events.map((event) => event.type)).toEqual(['charge.refund.updated', 'refund.updated'])
    for (const event of events) {
      expect(event.data.object).toMatchObject({ id: refund.id, status: 'succeeded' })
      expect(event.data.previous_attributes).toEqual({ status: 'pending' })
    }
  })

  it('settles fail: the refund turns failed and the charge gets the amount back', async () => {
    const { intent, refund } = await pendingRefund(500)
    await settleRefund(refund.id, 'fail')
    const failed: Stripe.Refund = await stripe.refunds.retrieve(refund.id)
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'expired_or_canceled_card' })
    expect(failed.failure_balance_transaction).toMatch(/^txn_/)
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({
      amount_refunded: 0,
      refunded: false,
    })
    const events = await latestEvents(3)
    expect(events.map((event) => event.type)).toEqual([
      'refund.failed',
      'charge.refund.updated',
      'refund.updated',
    ])
    expect(events[2]?.data.previous_attributes).toEqual({ status: 'pending' })
    const rest = await stripe.refunds.create({ payment_intent: intent.id })
    expect(rest).toMatchObject({ amount: 2_000, status: 'pending' })
  })

  it('refuses to settle a refund twice, an unknown refund, or an unknown outcome', async () => {
    const { refund } = await pendingRefund()
    await settleRefund(refund.id, 'succeed')
    await expect(settleRefund(refund.id, 'fail')).rejects.toThrow(
      /: 400 .*"type":"invalid_request_error".*status of succeeded/,
    )
    const settled = await paidIntent()
    const immediate = await stripe.refunds.create({ payment_intent: settled.id })
    await expect(settleRefund(immediate.id, 'succeed')).rejects.toThrow(/: 400 /)
    await expect(settleRefund('re_missing', 'succeed')).rejects.toThrow(/: 404 .*"code":"resource_missing"/)
    const { refund: pending } = await pendingRefund()
    const bogus = settleRefund(pending.id, 'later' as 'succeed')
    await expect(bogus).rejects.toThrow(/: 400 .*"param":"outcome"/)
    expect(await stripe.refunds.retrieve(pending.id)).toMatchObject({ status: 'pending' })
  })
})

describe('GET /v1/refunds', () => {
  it('retrieves, lists by payment_intent and by charge, and expands charge', async () => {
    const first = await paidIntent()
    const second = await paidIntent()
    const refundA = await stripe.refunds.create({ payment_intent: first.id, amount: 100 })
    const refundB = await stripe.refunds.create({ payment_intent: second.id, amount: 200 })
    const byIntent = await stripe.refunds.list({ payment_intent: first.id })
    expect(byIntent.data.map((refund) => refund.id)).toEqual([refundA.id])
    const byCharge = await stripe.refunds.list({ charge: second.latest_charge as string })
    expect(byCharge.data.map((refund) => refund.id)).toEqual([refundB.id])
    expect((await stripe.refunds.list()).data).toHaveLength(2)
    const expanded = await stripe.refunds.retrieve(refundA.id, { expand: ['charge'] })
    expect(expanded.charge).toMatchObject({ object: 'charge', amount_refunded: 100 })
    await expect(stripe.refunds.retrieve('re_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
  })

  it('expands a charge’s refunds', async () => {
    const intent = await paidIntent()
    await stripe.refunds.create({ payment_intent: intent.id, amount: 300 })
    const charge = await stripe.charges.retrieve(intent.latest_charge as string, { expand: ['refunds'] })
    expect(charge.refunds?.data.map((refund) => refund.amount)).toEqual([300])
    const viaIntent = await stripe.paymentIntents.retrieve(intent.id, { expand: ['latest_charge.refunds'] })
    expect(viaIntent.latest_charge).toMatchObject({ refunds: { object: 'list' } })
  })
})
