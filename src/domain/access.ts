import { ApiError, type ErrorCode } from '../lib/errors'

/*
 * Who may see and act on what, declared once. A rental, its payment and its refunds are visible to the renter,
 * the owner and admins; to anyone else they do not exist (404: not even their existence is revealed). Someone
 * who can see the object but is not the one an action is for gets 403 with the action's code. Listings are
 * public, so acting on another's listing is 403 at once. test/cross-cutting/authorization-matrix.test.ts proves
 * every cell through the API.
 */

export interface Actor {
  id: string
  role: 'user' | 'admin'
}

export interface Parties {
  renterId: string
  ownerId: string
}

type Role = 'renter' | 'owner' | 'admin'

interface Rule {
  who: readonly Role[]
  denied: ErrorCode
  message: string
}

export const rentalRules = {
  read: { who: ['renter', 'owner', 'admin'], denied: 'forbidden', message: '' },
  pay: { who: ['renter'], denied: 'not_renter', message: 'Only the renter of this rental can pay for it' },
  cancel: {
    who: ['renter', 'owner'],
    denied: 'forbidden',
    message: 'Only the renter or the owner may cancel a rental',
  },
  return: { who: ['owner'], denied: 'not_owner', message: 'Only the owner may mark a rental as returned' },
  quote: {
    who: ['renter', 'owner'],
    denied: 'forbidden',
    message: 'Only the renter or the owner may ask what a cancellation would refund',
  },
  authorize_deposit: {
    who: ['renter'],
    denied: 'not_renter',
    message: 'Only the renter may authorize the deposit with their card',
  },
  release_deposit: { who: ['owner'], denied: 'not_owner', message: 'Only the owner may release the deposit' },
  refuse_handover: {
    who: ['owner'],
    denied: 'not_owner',
    message: 'Only the owner may refuse to hand the instrument over',
  },
  file_claim: { who: ['owner'], denied: 'not_owner', message: 'Only the owner may file a damage claim' },
} as const satisfies Record<string, Rule>

/** A damage claim is its rental's, and read through it (authorizeRental); only the answer is the claim's. */
export const claimRules = {
  answer: {
    who: ['renter'],
    denied: 'not_renter',
    message: 'Only the renter may accept or contest a damage claim',
  },
} as const satisfies Record<string, Rule>

export const paymentRules = {
  read: { who: ['renter', 'owner', 'admin'], denied: 'forbidden', message: '' },
  refund: {
    who: ['owner', 'admin'],
    denied: 'not_owner',
    message: 'Only the listing owner or an admin can refund a payment',
  },
} as const satisfies Record<string, Rule>

/** Who sees the owner's payout of a payment or a damage claim they can see (seesPayout). */
const PAYOUT_SEEN_BY: readonly Role[] = ['owner', 'admin']

type Entity = 'rental' | 'payment' | 'refund' | 'claim'

const notFound = (entity: Entity) =>
  entity === 'rental'
    ? new ApiError('rental_not_found', 'Rental not found')
    : entity === 'payment'
      ? new ApiError('payment_not_found', 'Payment not found')
      : entity === 'claim'
        ? new ApiError('claim_not_found', 'Damage claim not found')
        : new ApiError('refund_not_found', 'Refund not found')

const rolesOf = (actor: Actor, parties: Parties): Role[] => [
  ...(parties.renterId === actor.id ? (['renter'] as const) : []),
  ...(parties.ownerId === actor.id ? (['owner'] as const) : []),
  ...(actor.role === 'admin' ? (['admin'] as const) : []),
]

/** Whether one of `actor`'s roles in `parties` is among `who`. */
const oneOf = (actor: Actor, parties: Parties, who: readonly Role[]) =>
  rolesOf(actor, parties).some((role) => who.includes(role))

function decide(actor: Actor, parties: Parties | undefined, rule: Rule, entity: Entity) {
  if (!parties || rolesOf(actor, parties).length === 0) throw notFound(entity)
  if (!oneOf(actor, parties, rule.who)) throw new ApiError(rule.denied, rule.message)
}

/** Throws unless `actor` may do `action` on this rental (undefined: it does not exist). */
export function authorizeRental<T extends Parties>(
  actor: Actor,
  rental: T | undefined,
  action: keyof typeof rentalRules,
): asserts rental is T {
  decide(actor, rental, rentalRules[action], 'rental')
}

/** Throws unless `actor` may do `action` on this payment (undefined: it does not exist). */
export function authorizePayment<T extends Parties>(
  actor: Actor,
  payment: T | undefined,
  action: keyof typeof paymentRules,
): asserts payment is T {
  decide(actor, payment, paymentRules[action], 'payment')
}

/** A refund is its payment's to see: `payment` is the refund's payment (undefined: no such refund). */
export function authorizeRefund<T extends Parties>(
  actor: Actor,
  payment: T | undefined,
): asserts payment is T {
  decide(actor, payment, paymentRules.read, 'refund')
}

/** Throws unless `actor` may do `action` on this damage claim (undefined: it does not exist). */
export function authorizeClaim<T extends Parties>(
  actor: Actor,
  claim: T | undefined,
  action: keyof typeof claimRules,
): asserts claim is T {
  decide(actor, claim, claimRules[action], 'claim')
}

/**
 * Whether `actor`, who may see a payment or a damage claim, also sees the owner's payout of it (its id, status
 * and moves): the owner's and the platform's business, not the renter's.
 */
export const seesPayout = (actor: Actor, parties: Parties): boolean => oneOf(actor, parties, PAYOUT_SEEN_BY)

/** Operations on everyone's data (the admin lists). */
export function authorizeAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new ApiError('forbidden', 'Only an admin may do this')
}

/** Listings are public: only their owner may change them. */
export function authorizeListingOwner(actor: Actor, listing: { ownerId: string }): void {
  if (listing.ownerId !== actor.id)
    throw new ApiError('not_owner', 'Only the owner of this listing may change it')
}
