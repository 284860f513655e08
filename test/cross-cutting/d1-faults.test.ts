import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { api } from '../helpers/api'
import {
  booking,
  confirm,
  deliverWebhooks,
  frontend,
  getPayment,
  getRental,
  initiateAndPay,
  paidBooking,
  transitionsOf,
} from '../helpers/payments'
import { resendPendingFailures } from '../helpers/webhook-retries'

/**
 * A D1 batch failing midway, injected with a trigger that aborts one statement of the batch: D1 batches are
 * atomic, so the statements before it must be rolled back, and a retry must finish the job exactly once.
 */
async function failWhen(name: string, table: string, condition: string) {
  await env.DB.prepare(
    `CREATE TRIGGER ${name} BEFORE UPDATE ON ${table} WHEN ${condition} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
  ).run()
}

const dropTriggers = async () => {
  for (const name of ['fail_activation', 'fail_refund'])
    await env.DB.prepare(`DROP TRIGGER IF EXISTS ${name}`).run()
}

const completions = async (paymentId: string) =>
  (await transitionsOf(paymentId)).filter((entry) => entry.to_status === 'completed').length

afterEach(dropTriggers)

describe('a D1 batch failing midway', () => {
  it('confirm: nothing is half-written, and the retry completes the payment once', async () => {
    const b = await booking()
    const { intentId, paymentId } = await initiateAndPay(b)
    await failWhen('fail_activation', 'rentals', "NEW.status = 'active'")
    const failed = await confirm(b, intentId)
    expect(failed.status).toBe(500)
    expect(Object.keys(failed.body).sort()).toEqual([
      'code',
      'detail',
      'request_id',
      'status',
      'title',
      'type',
    ])
    // The payment update ran before the failing rental update in the same batch: it was rolled back.
    expect((await getPayment(b)).body.status).toBe('pending')
    expect((await getRental(b)).body.status).toBe('pending')
    expect(await completions(paymentId)).toBe(0)

    await dropTriggers()
    const retried = await confirm(b, intentId)
    expect(retried.status).toBe(200)
    expect((await getRental(b)).body.status).toBe('active')
    expect(await completions(paymentId)).toBe(1)
    const charges = await frontend.charges.list({ payment_intent: intentId })
    expect(charges.data).toHaveLength(1)
  })

  it('webhook: the failed delivery is answered 500 (so Stripe retries) and applied once on redelivery', async () => {
    const b = await booking()
    const { paymentId } = await initiateAndPay(b)
    await failWhen('fail_activation', 'rentals', "NEW.status = 'active'")
    expect(await deliverWebhooks()).toContain(500)
    expect((await getPayment(b)).body.status).toBe('pending')
    // The event id was recorded in the failed batch too, so it was rolled back: the retry is not a "duplicate".
    await dropTriggers()
    await resendPendingFailures()
    expect((await getPayment(b)).body.status).toBe('completed')
    expect((await getRental(b)).body.status).toBe('active')
    expect(await completions(paymentId)).toBe(1)
  })

  it('refund: a failed local write keeps the reservation, and the retry refunds exactly once', async () => {
    const b = await paidBooking()
    await failWhen('fail_refund', 'payments', 'NEW.amount_refunded > 0')
    const failed = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: b.owner.token,
      body: {},
    })
    expect(failed.status).toBe(500)
    expect((await getPayment(b)).body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    await dropTriggers()
    // The refund reached Stripe; the retry re-sends it with the same idempotency key, so Stripe replays it.
    const retried = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: b.owner.token,
      body: {},
    })
    expect(retried.status).toBe(200)
    expect(retried.body.payment).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    const refunds = await frontend.refunds.list({ payment_intent: b.intentId })
    expect(refunds.data).toHaveLength(1)
    const [charge] = (await frontend.charges.list({ payment_intent: b.intentId })).data
    expect(charge!.amount_refunded).toBe(b.amount)
  })
})
