import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api } from '../../helpers/api'
import {
  auditOf,
  booking,
  confirm,
  deliverAbout,
  frontend,
  getPayment,
  initiate,
  initiateAndPay,
  ownerRefund,
  paidBooking,
  RETURN_URL,
} from '../../helpers/payments'

describe('the audit trail of a payment', () => {
  it('records its creation, a decline, the new attempt and the success, each once, with its source', async () => {
    const b = await booking()
    const first = await initiateAndPay(b, 'pm_card_chargeDeclined')
    expect((await confirm(b, first.intentId)).status).toBe(402)
    const second = await initiate(b)
    await initiate(b)
    await frontend.paymentIntents.confirm(second.body.payment_intent_id, {
      payment_method: 'pm_card_visa',
      return_url: RETURN_URL,
    })
    expect((await confirm(b, second.body.payment_intent_id)).status).toBe(200)
    const trail = (await auditOf(first.paymentId)).map(
      (entry) => `${entry.from_status}>${entry.to_status}:${entry.source}:${entry.detail}`,
    )
    expect(trail).toEqual([
      'null>pending:api:attempt 1',
      'pending>failed:api:generic_decline',
      'failed>pending:api:attempt 2',
      'pending>completed:api:null',
    ])
  })

  it("records each refund's creation with its source and who asked, in the batch that reserves it", async () => {
    const actorOf = async (refundId: string) =>
      (
        await env.DB.prepare(
          "SELECT actor_id FROM audit_log WHERE entity_id = ? AND from_status IS NULL AND to_status = 'pending'",
        )
          .bind(refundId)
          .all<{ actor_id: string | null }>()
      ).results.map((row) => row.actor_id)
    const created = async (refundId: string) =>
      (await auditOf(refundId))
        .filter((entry) => entry.from_status === null)
        .map((entry) => `${entry.to_status}:${entry.source}:${entry.detail}`)

    // Asked for through the API by the owner.
    const asked = await paidBooking()
    expect((await ownerRefund(asked, { amount: 1_000 })).status).toBe(200)
    const [byOwner] = (await getPayment(asked)).body.refunds
    expect(await created(byOwner.id)).toEqual(['pending:api:null'])
    expect(await actorOf(byOwner.id)).toEqual([asked.owner.id])

    // A paid rental cancelled by its renter.
    const cancelled = await paidBooking()
    const cancel = await api('POST', `/api/rentals/${cancelled.rentalId}/cancel`, {
      token: cancelled.renter.token,
    })
    expect(cancel.status).toBe(200)
    const [byRenter] = (await getPayment(cancelled)).body.refunds
    expect(await created(byRenter.id)).toEqual(['pending:api:null'])
    expect(await actorOf(byRenter.id)).toEqual([cancelled.renter.id])

    // Made outside Backline (the Stripe dashboard), recorded from its webhook, once.
    const outside = await paidBooking()
    await deliverAbout(outside.intentId)
    const stripeRefund = await frontend.refunds.create({ payment_intent: outside.intentId, amount: 1_500 })
    await deliverAbout(outside.intentId)
    await deliverAbout(outside.intentId)
    const [imported] = (await getPayment(outside)).body.refunds
    expect(await created(imported.id)).toEqual([`pending:webhook:made outside Backline: ${stripeRefund.id}`])
    expect(await actorOf(imported.id)).toEqual([null])
  })
})
