/*
 * Every status Backline stores, and every move between them, declared once as data. Nothing else decides
 * whether a status may change: the SQL that writes a status (adapters/d1/transitions.ts) is built from these
 * tables and carries them as its precondition, docs/API.md's diagrams are generated from them, and a test
 * fails if any other code writes a status column.
 */

/** Who reports a move: the HTTP API (a user or an admin), a Stripe webhook, or the reconciliation cron. */
export const triggers = ['api', 'webhook', 'reconciler'] as const
export type Trigger = (typeof triggers)[number]

const ANYONE = triggers

export const rentalStatuses = ['pending', 'active', 'completed', 'cancelled'] as const
export type RentalStatus = (typeof rentalStatuses)[number]

export const paymentStatuses = [
  'pending',
  'processing',
  'completed',
  'failed',
  'partially_refunded',
  'refunded',
  'refund_failed',
  'disputed',
] as const
export type PaymentStatus = (typeof paymentStatuses)[number]

/** Paid and settled: what a cancellation refunds from (not disputed, not flagged refund_failed). */
export const PAID_STATUSES = ['completed', 'partially_refunded'] as const satisfies readonly PaymentStatus[]

export const refundStatuses = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] as const
export type RefundStatus = (typeof refundStatuses)[number]

/**
 * An owner's payout of one payment, or of one captured damage claim: scheduled when the payment completes (the
 * claim is captured), released as a Stripe Transfer.
 */
export const payoutStatuses = [
  'scheduled',
  'held',
  'released',
  'partially_reversed',
  'reversed',
  'failed',
] as const
export type PayoutStatus = (typeof payoutStatuses)[number]

/** A rental's security deposit (docs/DEPOSITS.md): created when the rental is paid, first in `scheduled`. */
export const depositStatuses = [
  'scheduled',
  'held',
  'action_required',
  'released',
  'captured',
  'partially_captured',
  'lapsed',
  'failed',
] as const
export type DepositStatus = (typeof depositStatuses)[number]

/** An owner's damage claim against a deposit, first `open`. */
export const claimStatuses = [
  'open',
  'accepted',
  'contested',
  'decided',
  'captured',
  'collection_failed',
  'withdrawn',
] as const
export type ClaimStatus = (typeof claimStatuses)[number]

export interface Move<S extends string, E extends string> {
  /** null: the row is created in `to`. */
  from: S | null
  to: S
  /** The event that makes the move; a status write names it, so it can only make that event's moves. */
  on: E
  by: readonly Trigger[]
}

export interface StateMachine<S extends string, E extends string = string> {
  entity: 'rental' | 'payment' | 'refund' | 'payout' | 'deposit' | 'claim'
  /** Every status, the one rows are created in first. */
  statuses: readonly S[]
  /** Each event in a few words (the label of the docs' diagram). */
  events: Record<E, string>
  moves: readonly Move<S, E>[]
}

type Row<S, E> = readonly [from: S | null, to: S, on: E, by?: readonly Trigger[]]

/** Moves written as rows `[from, to, event, triggers]`: the table reads like the diagram it makes. */
const machine = <S extends string, E extends string>(
  entity: StateMachine<S, E>['entity'],
  statuses: readonly S[],
  events: Record<E, string>,
  rows: Row<S, E>[],
): StateMachine<S, E> => ({
  entity,
  statuses,
  events,
  moves: rows.map(([from, to, on, by = ANYONE]) => ({ from, to, on, by })),
})

export const rentalMachine = machine(
  'rental',
  rentalStatuses,
  {
    book: 'booked: dates held',
    pay: 'payment completed',
    cancel: 'cancelled by renter or owner',
    expire: 'hold expired unpaid',
    refund: 'refunded in full',
    return: 'owner: returned, on or after the start',
    cancel_paid: 'cancelled after payment: refunded by the policy (renter) or in full (owner)',
  },
  [
    [null, 'pending', 'book', ['api']],
    ['pending', 'active', 'pay'],
    ['pending', 'cancelled', 'cancel', ['api']],
    ['pending', 'cancelled', 'expire', ['api', 'reconciler']],
    ['pending', 'cancelled', 'refund'],
    ['active', 'cancelled', 'refund'],
    ['active', 'cancelled', 'cancel_paid', ['api']],
    ['active', 'completed', 'return', ['api']],
  ],
)

export const paymentMachine = machine(
  'payment',
  paymentStatuses,
  {
    initiate: 'initiated',
    intent: 'Stripe: PaymentIntent status',
    retry: 'initiated again: a new attempt',
    refund: 'a refund succeeded, or failed after success',
    give_up: 'refund of a cancelled rental kept failing',
    dispute: 'dispute opened',
    dispute_won: 'dispute closed in our favour',
  },
  [
    [null, 'pending', 'initiate', ['api']],
    ['pending', 'processing', 'intent'],
    ['pending', 'completed', 'intent'],
    ['pending', 'failed', 'intent'],
    ['processing', 'completed', 'intent'],
    ['processing', 'failed', 'intent'],
    // Stripe.js lets the customer try the same intent again with another card.
    ['failed', 'processing', 'intent'],
    ['failed', 'completed', 'intent'],
    ['failed', 'pending', 'retry', ['api']],
    ['completed', 'partially_refunded', 'refund'],
    ['completed', 'refunded', 'refund'],
    ['partially_refunded', 'partially_refunded', 'refund'],
    ['partially_refunded', 'refunded', 'refund'],
    ['partially_refunded', 'completed', 'refund'],
    ['refunded', 'partially_refunded', 'refund'],
    ['refunded', 'completed', 'refund'],
    ['refund_failed', 'refund_failed', 'refund'],
    ['refund_failed', 'partially_refunded', 'refund'],
    ['refund_failed', 'refunded', 'refund'],
    ['disputed', 'disputed', 'refund'],
    ['completed', 'refund_failed', 'give_up', ['reconciler']],
    ['partially_refunded', 'refund_failed', 'give_up', ['reconciler']],
    ['completed', 'disputed', 'dispute', ['webhook']],
    ['partially_refunded', 'disputed', 'dispute', ['webhook']],
    ['refund_failed', 'disputed', 'dispute', ['webhook']],
    ['disputed', 'completed', 'dispute_won', ['webhook']],
    ['disputed', 'partially_refunded', 'dispute_won', ['webhook']],
    ['disputed', 'refunded', 'dispute_won', ['webhook']],
  ],
)

export const refundMachine = machine(
  'refund',
  refundStatuses,
  {
    request: 'requested, or found at Stripe',
    refused: 'refused by Stripe at creation',
    stripe: 'Stripe: refund status',
  },
  [
    [null, 'pending', 'request'],
    ['pending', 'failed', 'refused'],
    ['pending', 'requires_action', 'stripe'],
    ['pending', 'succeeded', 'stripe'],
    ['pending', 'failed', 'stripe'],
    ['pending', 'canceled', 'stripe'],
    ['requires_action', 'succeeded', 'stripe'],
    ['requires_action', 'failed', 'stripe'],
    ['requires_action', 'canceled', 'stripe'],
    // The one move out of succeeded that Stripe documents: https://docs.stripe.com/refunds#failed-refunds
    ['succeeded', 'failed', 'stripe'],
  ],
)

/*
 * Before release a payout's amount follows the owner's share (refunds shrink it, a dispute holds it); the
 * cron releases it when due. After release, what the owner keeps of it follows the same share through
 * transfer reversals and, when a dispute is won, a new transfer (docs/PAYOUTS.md).
 */
export const payoutMachine = machine(
  'payout',
  payoutStatuses,
  {
    schedule: "payment completed, or damage claim captured: the owner's share scheduled",
    release: 'due: sent as a Stripe Transfer (or found sent)',
    fail: 'Stripe refused the transfer',
    retry: "the owner's account can receive transfers again",
    hold: 'dispute opened before release',
    dispute_closed: 'dispute closed before release (nothing left: reversed)',
    refund: "refunds took all of the owner's share before release, or gave it back",
    reverse: "owner's share taken back: a transfer reversal (refund or dispute)",
    give_back: 'given back: a new transfer (dispute won)',
  },
  [
    [null, 'scheduled', 'schedule'],
    ['scheduled', 'released', 'release', ['webhook', 'reconciler']],
    // A dispute opened while the cron was sending the transfer: the transfer stands, its reversal follows.
    ['held', 'released', 'release', ['webhook', 'reconciler']],
    ['scheduled', 'failed', 'fail', ['reconciler']],
    ['failed', 'scheduled', 'retry'],
    ['scheduled', 'held', 'hold', ['webhook']],
    ['failed', 'held', 'hold', ['webhook']],
    ['held', 'scheduled', 'dispute_closed', ['webhook']],
    ['held', 'reversed', 'dispute_closed', ['webhook']],
    ['scheduled', 'reversed', 'refund'],
    ['failed', 'reversed', 'refund'],
    // A refund Stripe fails after its success gives the owner's share back before release.
    ['reversed', 'scheduled', 'refund'],
    ['released', 'partially_reversed', 'reverse'],
    ['released', 'reversed', 'reverse'],
    ['partially_reversed', 'partially_reversed', 'reverse'],
    ['partially_reversed', 'reversed', 'reverse'],
    ['partially_reversed', 'released', 'give_back'],
    // Given back more than was sent (a refund Stripe failed after the release): the amount sent grows.
    ['released', 'released', 'give_back'],
    ['partially_reversed', 'partially_reversed', 'give_back'],
    ['reversed', 'released', 'give_back'],
    ['reversed', 'partially_reversed', 'give_back'],
  ],
)

/*
 * A deposit is held on the renter's saved card shortly before the rental starts (a manual-capture
 * PaymentIntent confirmed off-session), kept held by fresh holds until the claim window closes, then released,
 * or captured in part or in full for a claim; a hold Stripe let expire is `lapsed` and a claim on it is charged
 * off-session instead (docs/DEPOSITS.md).
 */
export const depositMachine = machine(
  'deposit',
  depositStatuses,
  {
    schedule: 'rental paid: the hold is due before the start',
    hold: 'Stripe: the hold is authorized (off-session, or by the renter on-session)',
    rehold: 'a fresh hold replaced one about to expire',
    action: "the card could not be held off-session: the renter's turn",
    expire: 'Stripe: the hold expired, or was canceled outside Backline',
    release:
      'released: by the owner, the claim window closed, the rental cancelled, or a claim decided at nothing',
    capture: 'a claim captured from the hold (the rest released)',
    collect: 'a claim charged off-session to the saved card',
    fail: 'hand-over refused with no hold, or a claim could not be collected',
  },
  [
    [null, 'scheduled', 'schedule'],
    ['scheduled', 'held', 'hold'],
    ['action_required', 'held', 'hold'],
    ['held', 'held', 'rehold'],
    ['scheduled', 'action_required', 'action'],
    ['held', 'lapsed', 'expire'],
    ['scheduled', 'released', 'release'],
    ['held', 'released', 'release'],
    ['action_required', 'released', 'release'],
    ['lapsed', 'released', 'release'],
    ['held', 'captured', 'capture'],
    ['held', 'partially_captured', 'capture'],
    ['scheduled', 'captured', 'collect'],
    ['scheduled', 'partially_captured', 'collect'],
    ['action_required', 'captured', 'collect'],
    ['action_required', 'partially_captured', 'collect'],
    ['lapsed', 'captured', 'collect'],
    ['lapsed', 'partially_captured', 'collect'],
    ['scheduled', 'failed', 'fail'],
    ['action_required', 'failed', 'fail'],
    ['lapsed', 'failed', 'fail'],
  ],
)

/*
 * The owner files a claim within the claim window; the renter accepts or contests it within the response
 * time (unanswered counts as accepted); an admin decides a contested one. The accepted or decided amount is
 * then collected from the deposit.
 */
export const claimMachine = machine(
  'claim',
  claimStatuses,
  {
    file: 'owner: filed within the claim window',
    accept: 'renter: accepted',
    contest: 'renter: contested',
    unanswered: 'no answer within the response time: accepted',
    decide: 'admin: decided the amount',
    capture: 'collected: captured from the hold or charged off-session',
    fail: 'the off-session charge failed',
    withdraw: 'the deposit was released instead (by the owner, or the rental was cancelled)',
  },
  [
    [null, 'open', 'file', ['api']],
    ['open', 'accepted', 'accept', ['api']],
    ['open', 'contested', 'contest', ['api']],
    ['open', 'accepted', 'unanswered', ['reconciler']],
    ['contested', 'decided', 'decide', ['api']],
    ['accepted', 'captured', 'capture'],
    ['decided', 'captured', 'capture'],
    ['accepted', 'collection_failed', 'fail'],
    ['decided', 'collection_failed', 'fail'],
    ['open', 'withdrawn', 'withdraw'],
    ['contested', 'withdrawn', 'withdraw'],
  ],
)

export const stateMachines = {
  rental: rentalMachine,
  payment: paymentMachine,
  refund: refundMachine,
  payout: payoutMachine,
  deposit: depositMachine,
  claim: claimMachine,
}
export type Entity = keyof typeof stateMachines
export type StatusOf = {
  rental: RentalStatus
  payment: PaymentStatus
  refund: RefundStatus
  payout: PayoutStatus
  deposit: DepositStatus
  claim: ClaimStatus
}

export type RentalEvent = keyof typeof rentalMachine.events
export type PaymentEvent = keyof typeof paymentMachine.events
export type RefundEvent = keyof typeof refundMachine.events
export type PayoutEvent = keyof typeof payoutMachine.events
export type DepositEvent = keyof typeof depositMachine.events
export type ClaimEvent = keyof typeof claimMachine.events
export type EventOf = {
  rental: RentalEvent
  payment: PaymentEvent
  refund: RefundEvent
  payout: PayoutEvent
  deposit: DepositEvent
  claim: ClaimEvent
}

type AnyMachine = StateMachine<string, string>

/** The (from, to) pairs that `on` lets `trigger` make, optionally only those into `to`. */
export function allowedMoves(
  machine: AnyMachine,
  on: string,
  trigger: Trigger,
  to?: string,
): [string, string][] {
  return machine.moves
    .filter(
      (move) =>
        move.from !== null &&
        move.on === on &&
        move.by.includes(trigger) &&
        (to === undefined || move.to === to),
    )
    .map((move) => [move.from!, move.to])
}

/** The statuses from which `on` moves a row into `to`, whoever reports it. */
export const statusesInto = <S extends string, E extends string>(
  machine: StateMachine<S, E>,
  on: E,
  to: S,
): S[] =>
  machine.moves
    .filter((move) => move.on === on && move.to === to && move.from !== null)
    .map((move) => move.from!)

/** A Mermaid state diagram of the machine: every move with its event and triggers (docs/API.md). */
export function stateDiagram(machine: AnyMachine): string {
  const lines = machine.moves.map((move) => {
    const by = move.by.length === triggers.length ? '' : ` (${move.by.join(', ')})`
    return `  ${move.from ?? '[*]'} --> ${move.to}: ${machine.events[move.on]}${by}`
  })
  return ['stateDiagram-v2', ...lines].join('\n')
}
