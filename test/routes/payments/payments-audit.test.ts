import { describe, expect, it } from 'vitest'
import {
  auditOf,
  booking,
  confirm,
  frontend,
  initiate,
  initiateAndPay,
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
})
