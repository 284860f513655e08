import { describe, expect, it } from 'vitest'
import {
  authorizeAdmin,
  authorizeListingOwner,
  authorizePayment,
  authorizeRental,
  paymentRules,
  rentalRules,
} from '../../src/domain/access'
import { ApiError } from '../../src/lib/errors'

const renter = { id: 'usr_renter', role: 'user' } as const
const owner = { id: 'usr_owner', role: 'user' } as const
const admin = { id: 'usr_admin', role: 'admin' } as const
const stranger = { id: 'usr_stranger', role: 'user' } as const
const parties = { renterId: renter.id, ownerId: owner.id }

const outcome = (decide: () => void) => {
  try {
    decide()
    return 'allowed'
  } catch (error) {
    return error instanceof ApiError ? `${error.status} ${error.code}` : String(error)
  }
}

describe('domain/access: one rule for who may see and act on what', () => {
  it.each([
    ['read', ['allowed', 'allowed', 'allowed', '404 rental_not_found']],
    ['pay', ['allowed', '403 not_renter', '403 not_renter', '404 rental_not_found']],
    ['cancel', ['allowed', 'allowed', '403 forbidden', '404 rental_not_found']],
    ['return', ['403 not_owner', 'allowed', '403 not_owner', '404 rental_not_found']],
  ] as const)('rental %s: renter, owner, admin, stranger', (action, expected) => {
    const cells = [renter, owner, admin, stranger].map((actor) =>
      outcome(() => authorizeRental(actor, parties, action)),
    )
    expect(cells).toEqual(expected)
  })

  it.each([
    ['read', ['allowed', 'allowed', 'allowed', '404 payment_not_found']],
    ['refund', ['403 not_owner', 'allowed', 'allowed', '404 payment_not_found']],
  ] as const)('payment %s: renter, owner, admin, stranger', (action, expected) => {
    const cells = [renter, owner, admin, stranger].map((actor) =>
      outcome(() => authorizePayment(actor, parties, action)),
    )
    expect(cells).toEqual(expected)
  })

  it('a missing object is 404 to everyone, admins included', () => {
    for (const action of Object.keys(rentalRules) as (keyof typeof rentalRules)[])
      expect(outcome(() => authorizeRental(admin, undefined, action))).toBe('404 rental_not_found')
    for (const action of Object.keys(paymentRules) as (keyof typeof paymentRules)[])
      expect(outcome(() => authorizePayment(admin, undefined, action))).toBe('404 payment_not_found')
  })

  it('admin lists and listing changes', () => {
    expect(outcome(() => authorizeAdmin(admin))).toBe('allowed')
    expect(outcome(() => authorizeAdmin(owner))).toBe('403 forbidden')
    expect(outcome(() => authorizeListingOwner(owner, { ownerId: owner.id }))).toBe('allowed')
    expect(outcome(() => authorizeListingOwner(admin, { ownerId: owner.id }))).toBe('403 not_owner')
  })
})
