import { describe, expect, it } from 'vitest'
import { payments, rentals } from '../../../src/adapters/d1/schema'
import { jsonMapper } from '../../../src/adapters/d1/json-columns'

describe('jsonMapper', () => {
  it('shows each column under its JSON key, in the declared order, nulls included', () => {
    const toJson = jsonMapper(payments, {
      id: payments.id,
      charge: payments.stripeChargeId,
      amount: payments.amount,
    })
    const json = toJson({ id: 'pay_1', stripeChargeId: null, amount: 2500, currency: 'usd' })
    expect(json).toEqual({ id: 'pay_1', charge: null, amount: 2500 })
    expect(Object.keys(json)).toEqual(['id', 'charge', 'amount'])
  })

  it('refuses, when it is built, a column of another table', () => {
    expect(() => jsonMapper(payments, { id: payments.id, listing_id: rentals.listingId })).toThrow(
      /listing_id is not a column of this table/,
    )
  })
})
