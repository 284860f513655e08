import { afterEach, describe, expect, it } from 'vitest'
import { expectProblem, type ApiResponse } from '../../helpers/api'
import {
  auditOf,
  datesFree,
  deliver,
  deliverAbout,
  frontend,
  getPayment,
  getRental,
  paidWith,
  transitionsOf,
  webhooksAbout,
  ownerRefund as refund,
} from '../../helpers/payments'
import { clearFaults, injectFault, settleRefund, type WebhookDelivery } from '../../helpers/stripe-emulator'

/*
 * Races between the API's own answer from `stripe.refunds.create` and the webhooks about the same refund.
 * Stripe carries the refund out, then its answer is held back (a `hang` fault, shorter than the SDK's
 * STRIPE_TIMEOUT_MS, so it still arrives); meanwhile the refund changes at Stripe and its webhooks are
 * delivered. The answer, when it comes, is older than what the webhooks applied: refund statuses only move
 * forward, so it must change nothing, and the money must be counted exactly once.
 */

afterEach(() => clearFaults())

/** Well under the test STRIPE_TIMEOUT_MS (3 s): the answer is late, not lost, and the SDK does not retry. */
const HANG_MS = 2_000

/** Stripe makes the next refund, then holds its answer back for HANG_MS. */
const holdRefundAnswer = () =>
  injectFault({ kind: 'hang', count: 1, method: 'POST', path_prefix: '/v1/refunds', hang_ms: HANG_MS })

/** A request started and not awaited: its answer, and whether that answer has come yet. */
function inFlight(request: Promise<ApiResponse>) {
  const state = { answered: false, answer: request }
  state.answer = request.finally(() => {
    state.answered = true
  })
  return state
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The one refund Stripe holds for the intent, as soon as Stripe has made it. */
async function madeAtStripe(intentId: string) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { data } = await frontend.refunds.list({ payment_intent: intentId })
    if (data.length > 1) throw new Error(`${data.length} refunds made for ${intentId}`)
    if (data[0]) return data[0]
    await sleep(25)
  }
  throw new Error(`Stripe made no refund for ${intentId}`)
}

/** Posts each delivery to the API; each must be answered 200. Returns `type:outcome` for each. */
async function deliverAll(deliveries: WebhookDelivery[]) {
  const outcomes: string[] = []
  for (const delivery of deliveries) {
    const answer = await deliver(delivery)
    if (answer.status !== 200)
      throw new Error(`webhook ${delivery.event_type}: ${answer.status} ${JSON.stringify(answer.body)}`)
    outcomes.push(`${delivery.event_type}:${answer.body.outcome}`)
  }
  return outcomes
}

const movesOf = async (paymentId: string) =>
  (await transitionsOf(paymentId)).map((entry) => `${entry.from_status}>${entry.to_status}`)

/** What Stripe itself counts as refunded on the intent's charge. */
async function refundedAtStripe(intentId: string) {
  const intent = await frontend.paymentIntents.retrieve(intentId)
  return (await frontend.charges.retrieve(intent.latest_charge as string)).amount_refunded
}

describe('a refund whose answer arrives after its webhooks', () => {
  it('answered succeeded, failed meanwhile (pm_card_refundFail): the late answer does not refund, the rental is kept', async () => {
    const b = await paidWith('pm_card_refundFail')
    await holdRefundAnswer()
    const request = inFlight(refund(b))
    const made = await madeAtStripe(b.intentId)
    // Stripe answered (is holding back) `succeeded`, and the refund has failed since.
    expect(made.status).toBe('failed')

    const deliveries = await webhooksAbout(b.intentId)
    const outcomes = await deliverAll(deliveries)
    expect(outcomes).toEqual(expect.arrayContaining(['refund.created:applied', 'refund.failed:applied']))
    expect(request.answered).toBe(false)
    const read = (await getPayment(b)).body
    expect(read).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(read.refunds).toMatchObject([{ amount: b.amount, status: 'failed' }])

    const answer = await request.answer
    expect(answer.status).toBe(200)
    // The answer said `succeeded`; the API read the refund again and reports what it is.
    expect(answer.body.refund).toMatchObject({
      amount: b.amount,
      status: 'failed',
      stripe_refund_id: made.id,
    })
    expect(answer.body.refund.failure_reason).toBeTruthy()
    expect(answer.body.payment).toMatchObject({ status: 'completed', amount_refunded: 0 })

    const expectFinal = async () => {
      const payment = (await getPayment(b)).body
      expect(payment).toMatchObject({ status: 'completed', amount_refunded: 0 })
      expect(payment.refunds).toMatchObject([
        { amount: b.amount, status: 'failed', stripe_refund_id: made.id },
      ])
      expect((await getRental(b)).body.status).toBe('active')
      expect(await datesFree(b)).toBe(false)
      expect(await movesOf(b.paymentId)).toEqual(['pending>completed'])
      const refundMoves = (await auditOf(payment.refunds[0].id)).map((entry) => entry.to_status)
      expect(refundMoves).not.toContain('succeeded')
      return payment
    }
    const final = await expectFinal()

    // Every webhook delivered again: all duplicates, nothing changes.
    expect(await deliverAll(deliveries)).toEqual(deliveries.map((d) => `${d.event_type}:duplicate`))
    expect((await getPayment(b)).body).toEqual(final)
    await expectFinal()
    expect(await refundedAtStripe(b.intentId)).toBe(0)
  })

  it('answered pending, succeeded meanwhile (pm_card_pendingRefund): refunded once, the refund stays succeeded', async () => {
    const b = await paidWith('pm_card_pendingRefund')
    await holdRefundAnswer()
    const request = inFlight(refund(b))
    const made = await madeAtStripe(b.intentId)
    expect(made.status).toBe('pending')
    await settleRefund(made.id, 'succeed')

    // Every webhook but charge.refund.updated before the answer; that one after it, re-reading `succeeded`.
    const deliveries = await webhooksAbout(b.intentId)
    const late = deliveries.filter((delivery) => delivery.event_type === 'charge.refund.updated')
    expect(late).toHaveLength(1)
    expect(await deliverAll(deliveries.filter((delivery) => !late.includes(delivery)))).toContain(
      'refund.created:applied',
    )
    expect(request.answered).toBe(false)
    const read = (await getPayment(b)).body
    expect(read).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect(read.refunds).toMatchObject([{ amount: b.amount, status: 'succeeded' }])
    expect((await getRental(b)).body.status).toBe('cancelled')

    const answer = await request.answer
    expect(answer.status).toBe(200)
    // Stripe's answer said `pending`: the refund does not go back to it.
    expect(answer.body.refund).toMatchObject({
      amount: b.amount,
      status: 'succeeded',
      stripe_refund_id: made.id,
    })
    expect(answer.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })

    expect(await deliverAll(late)).toEqual(['charge.refund.updated:applied'])
    expect(await deliverAll(deliveries)).toEqual(deliveries.map((d) => `${d.event_type}:duplicate`))

    const payment = (await getPayment(b)).body
    expect(payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect(payment.refunds).toMatchObject([
      { amount: b.amount, status: 'succeeded', stripe_refund_id: made.id },
    ])
    expect((await getRental(b)).body.status).toBe('cancelled')
    expect(await datesFree(b)).toBe(true)
    const moves = await movesOf(b.paymentId)
    expect(moves).toEqual(['pending>completed', 'completed>refunded'])
    expect(moves.filter((move) => move.endsWith('>refunded'))).toHaveLength(1)
    const refundMoves = (await auditOf(payment.refunds[0].id)).map((entry) => entry.to_status)
    expect(refundMoves.filter((status) => status === 'succeeded')).toHaveLength(1)
    expect(refundMoves.at(-1)).toBe('succeeded')
    expect(await refundedAtStripe(b.intentId)).toBe(b.amount)
    expectProblem(await refund(b, { amount: 1 }), 409, 'payment_not_refundable')
  })

  it('a partial refund answered pending, succeeded meanwhile: partially_refunded by its amount, once', async () => {
    const b = await paidWith('pm_card_pendingRefund')
    expect(b.amount).toBe(7_500)
    await holdRefundAnswer()
    const request = inFlight(refund(b, { amount: 1_000 }))
    const made = await madeAtStripe(b.intentId)
    expect(made).toMatchObject({ status: 'pending', amount: 1_000 })
    await settleRefund(made.id, 'succeed')

    const deliveries = await webhooksAbout(b.intentId)
    expect(await deliverAll(deliveries)).toContain('refund.created:applied')
    expect(await deliverAll(deliveries)).toEqual(deliveries.map((d) => `${d.event_type}:duplicate`))
    expect(request.answered).toBe(false)
    expect((await getPayment(b)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })

    const answer = await request.answer
    expect(answer.status).toBe(200)
    expect(answer.body.refund).toMatchObject({
      amount: 1_000,
      status: 'succeeded',
      stripe_refund_id: made.id,
    })
    expect(answer.body.payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })

    const payment = (await getPayment(b)).body
    expect(payment).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })
    expect(payment.refunds).toMatchObject([{ amount: 1_000, status: 'succeeded' }])
    expect((await getRental(b)).body.status).toBe('active')
    expect(await datesFree(b)).toBe(false)
    expect(await movesOf(b.paymentId)).toEqual(['pending>completed', 'completed>partially_refunded'])
    expect(await refundedAtStripe(b.intentId)).toBe(1_000)
  })
})

describe('pending refunds without a race', () => {
  it('answered pending: nothing refunded yet; failed later: nothing refunded; another one succeeds: refunded once', async () => {
    const b = await paidWith('pm_card_pendingRefund')
    const answer = await refund(b)
    expect(answer.status).toBe(200)
    expect(answer.body.refund).toMatchObject({ amount: b.amount, status: 'pending' })
    expect(answer.body.refund.stripe_refund_id).toMatch(/^re_/)
    expect(answer.body.payment).toMatchObject({ status: 'completed', amount_refunded: 0 })
    const first: string = answer.body.refund.stripe_refund_id

    // Its webhooks while it is pending change nothing; a pending refund holds its amount.
    expect(await deliverAbout(b.intentId)).toEqual(['refund.created:applied', 'charge.refunded:applied'])
    expect((await getPayment(b)).body).toMatchObject({
      status: 'completed',
      amount_refunded: 0,
      refunds: [{ status: 'pending' }],
    })
    expectProblem(await refund(b, { amount: 1 }), 422, 'refund_exceeds_remaining')

    await settleRefund(first, 'fail')
    expect(await deliverAbout(b.intentId)).toEqual([
      'refund.updated:applied',
      'charge.refund.updated:applied',
      'refund.failed:applied',
    ])
    const failed = (await getPayment(b)).body
    expect(failed).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(failed.refunds).toMatchObject([{ amount: b.amount, status: 'failed', stripe_refund_id: first }])
    expect(failed.refunds[0].failure_reason).toBeTruthy()
    expect((await getRental(b)).body.status).toBe('active')
    expect(await datesFree(b)).toBe(false)
    expect(await movesOf(b.paymentId)).toEqual(['pending>completed'])

    // The amount is free again: another full refund, pending, then succeeded.
    const again = await refund(b)
    expect(again.status).toBe(200)
    expect(again.body.refund).toMatchObject({ amount: b.amount, status: 'pending' })
    expect(again.body.payment).toMatchObject({ status: 'completed', amount_refunded: 0 })
    const second: string = again.body.refund.stripe_refund_id
    expect(second).not.toBe(first)
    await settleRefund(second, 'succeed')
    const deliveries = await webhooksAbout(b.intentId)
    expect(await deliverAll(deliveries)).toContain('refund.updated:applied')
    expect(await deliverAll(deliveries)).toEqual(deliveries.map((d) => `${d.event_type}:duplicate`))

    const payment = (await getPayment(b)).body
    expect(payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect(payment.refunds).toMatchObject([
      { stripe_refund_id: first, status: 'failed' },
      { stripe_refund_id: second, status: 'succeeded' },
    ])
    expect((await getRental(b)).body.status).toBe('cancelled')
    expect(await datesFree(b)).toBe(true)
    expect(await movesOf(b.paymentId)).toEqual(['pending>completed', 'completed>refunded'])
    expect(await refundedAtStripe(b.intentId)).toBe(b.amount)
  })

  it('answered pending, succeeded later: refunded once, the rental cancelled', async () => {
    const b = await paidWith('pm_card_pendingRefund')
    const answer = await refund(b)
    expect(answer.status).toBe(200)
    expect(answer.body.refund).toMatchObject({ amount: b.amount, status: 'pending' })
    expect(answer.body.payment).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect((await getRental(b)).body.status).toBe('active')

    await settleRefund(answer.body.refund.stripe_refund_id, 'succeed')
    const deliveries = await webhooksAbout(b.intentId)
    expect(await deliverAll(deliveries)).toContain('refund.updated:applied')
    expect(await deliverAll(deliveries)).toEqual(deliveries.map((d) => `${d.event_type}:duplicate`))

    const payment = (await getPayment(b)).body
    expect(payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect(payment.refunds).toMatchObject([{ amount: b.amount, status: 'succeeded' }])
    expect((await getRental(b)).body.status).toBe('cancelled')
    expect(await datesFree(b)).toBe(true)
    expect(await movesOf(b.paymentId)).toEqual(['pending>completed', 'completed>refunded'])
  })
})
