import { afterEach, describe, expect, it } from 'vitest'
import { api, expectProblem } from '../helpers/api'
import { settings } from '../helpers/factories'
import {
  booking,
  confirm,
  frontend,
  getPayment,
  initiate,
  initiateAndPay,
  intentsOfPayment,
  paidBooking,
} from '../helpers/payments'
import { clearFaults, injectFault } from '../helpers/stripe-emulator'

// Stripe that carries a request out and then never answers (a hung connection): the SDK gives up after
// STRIPE_TIMEOUT_MS (3 s in tests) on its first try and each retry, the API answers 503, and the retry
// charges nothing twice.
const hangStripe = (method: 'GET' | 'POST', pathPrefix: string) =>
  injectFault({
    kind: 'hang',
    count: settings().STRIPE_MAX_RETRIES + 1,
    method,
    path_prefix: pathPrefix,
    hang_ms: settings().STRIPE_TIMEOUT_MS + 1_000,
  })

afterEach(() => clearFaults())

describe('Stripe hanging', () => {
  it('during initiate: 503, then the retry gets the very intent Stripe made', async () => {
    const b = await booking()
    await hangStripe('POST', '/v1/payment_intents')
    expectProblem(await initiate(b), 503, 'stripe_unavailable')
    await clearFaults()
    const retried = await initiate(b)
    expect(retried.status).toBe(200)
    const intents = await intentsOfPayment(retried.body.payment_id)
    expect(intents.map((intent) => intent.id)).toEqual([retried.body.payment_intent_id])
  }, 60_000)

  it('during confirm: 503 and nothing changes; the retry completes the payment', async () => {
    const b = await booking()
    const { intentId } = await initiateAndPay(b)
    await hangStripe('GET', '/v1/payment_intents')
    expectProblem(await confirm(b, intentId), 503, 'stripe_unavailable')
    expect((await getPayment(b)).body.status).toBe('pending')
    await clearFaults()
    expect((await confirm(b, intentId)).body.status).toBe('completed')
  }, 60_000)

  it('during refund: 503, then the retry refunds exactly once', async () => {
    const b = await paidBooking()
    await hangStripe('POST', '/v1/refunds')
    const refund = () =>
      api('POST', `/api/payments/${b.paymentId}/refund`, { token: b.owner.token, body: {} })
    expectProblem(await refund(), 503, 'stripe_unavailable')
    await clearFaults()
    const retried = await refund()
    expect(retried.status).toBe(200)
    expect(retried.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    const [charge] = (await frontend.charges.list({ payment_intent: b.intentId })).data
    expect(charge!.amount_refunded).toBe(b.amount)
    expect((await frontend.refunds.list({ payment_intent: b.intentId })).data).toHaveLength(1)
  }, 60_000)
})
