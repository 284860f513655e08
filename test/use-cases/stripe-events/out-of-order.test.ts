import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import {
  booking,
  deliverAbout,
  frontend,
  getPayment,
  getRental,
  initiate,
  initiateAndPay,
  intentsOfPayment,
} from '../../helpers/payments'
import { clearFaults, injectFault } from '../../helpers/stripe-emulator'

/* Reports that overtake each other: a refund before the payment's own success, a cancel during initiate. */

afterEach(() => clearFaults())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a refund reported before the payment it refunds', () => {
  it("applies the payment's success first, then counts the refund (it is not dropped)", async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    // Paid at Stripe; neither confirm nor payment_intent.succeeded has reached Backline. A dashboard refund:
    const refund = await frontend.refunds.create({ payment_intent: intentId, amount: 1_000 })
    expect(await deliverAbout(refund.id, 'refund.created')).toEqual(['refund.created:applied'])
    expect((await getPayment(b)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })
    expect((await getRental(b)).body.status).toBe('active')
    // The intent's own events, late, change nothing more.
    await deliverAbout(intentId)
    expect((await getPayment(b)).body).toMatchObject({ status: 'partially_refunded', amount_refunded: 1_000 })
  })
})

describe('a cancel that lands while initiate waits for Stripe', () => {
  it('leaves no payable intent: initiate answers 409 and cancels the intent it made', async () => {
    const b = await booking()
    await injectFault({
      kind: 'hang',
      count: 1,
      method: 'POST',
      path_prefix: '/v1/payment_intents',
      hang_ms: 1_500,
    })
    const started = initiate(b)
    let paymentId: string | undefined
    for (let i = 0; i < 50 && !paymentId; i++) {
      await sleep(50)
      const row = await env.DB.prepare('SELECT id FROM payments WHERE rental_id = ?')
        .bind(b.rentalId)
        .first<{ id: string }>()
      if (row && (await intentsOfPayment(row.id)).length) paymentId = row.id
    }
    expect(paymentId).toBeDefined()
    // Stripe has made the intent; Backline has not stored it yet, so the cancel finds none to cancel.
    const cancelled = await api('POST', `/api/rentals/${b.rentalId}/cancel`, { token: b.renter.token })
    expect(cancelled.body.status).toBe('cancelled')
    expectProblem(await started, 409, 'rental_not_payable')
    const [intent] = await intentsOfPayment(paymentId!)
    expect(intent!.status).toBe('canceled')
    expect((await getPayment(b)).body.stripe_payment_intent_id).toBeNull()
  })
})
