import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { deliverWebhooks, frontend, getPayment, paidBooking } from '../../helpers/payments'

describe('a refund Stripe refuses for good', () => {
  it('is released, not left blocking the amount or re-sent; the webhook then settles the payment', async () => {
    const b = await paidBooking()
    // Refunded in full in the Stripe dashboard; its webhooks have not arrived yet.
    await frontend.refunds.create({ payment_intent: b.intentId })
    const refused = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: b.owner.token,
      body: {},
    })
    expectProblem(refused, 409, 'payment_not_refundable')
    const rows = await env.DB.prepare(
      'SELECT status, failure_reason, stripe_refund_id FROM refunds WHERE payment_id = ?',
    )
      .bind(b.paymentId)
      .all()
    expect(rows.results).toEqual([
      { status: 'failed', failure_reason: 'charge_already_refunded', stripe_refund_id: null },
    ])
    await deliverWebhooks()
    expect((await getPayment(b)).body).toMatchObject({ status: 'refunded', amount_refunded: b.amount })
    expect((await frontend.refunds.list({ payment_intent: b.intentId })).data).toHaveLength(1)
  })
})
