import { describe, expect, it } from 'vitest'
import { expectProblem } from '../../helpers/api'
import { booking, frontend, initiate } from '../../helpers/payments'

describe('amounts Stripe refuses', () => {
  it('answers 422 amount_too_small when the rental costs less than Stripe charges at least', async () => {
    const b = await booking({ dailyRate: 10, days: 1 })
    const res = await initiate(b)
    expectProblem(res, 422, 'amount_too_small')
    // Nothing was half-written: a later attempt meets the same rule, and no PaymentIntent exists for it.
    expectProblem(await initiate(b), 422, 'amount_too_small')
    const intents = await frontend.paymentIntents.list({ limit: 100 })
    expect(intents.data.filter((intent) => intent.metadata.rental_id === b.rentalId)).toEqual([])
  })
})
