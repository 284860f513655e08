import { describe, expect, it } from 'vitest'
import {
  allowedMoves,
  claimMachine,
  depositMachine,
  paymentMachine,
  refundMachine,
  rentalMachine,
  stateDiagram,
  stateMachines,
  statusesInto,
  triggers,
  type StateMachine,
} from '../../src/domain/state-machines'

/*
 * The transition tables themselves, as data: well formed, closed where money is settled, and read by
 * allowedMoves / statusesInto / stateDiagram as adapters/d1/transitions.ts and the docs rely on.
 */

type AnyMachine = StateMachine<string, string>
const machines = Object.entries(stateMachines) as [string, AnyMachine][]

const movesFrom = (machine: AnyMachine, from: string) => machine.moves.filter((move) => move.from === from)
const pairs = (machine: AnyMachine, from: string) =>
  movesFrom(machine, from).map((move) => `${move.from}>${move.to}:${move.on}`)

describe('every state machine is well formed', () => {
  it.each(machines)('%s: each move is between its own statuses, on a declared event', (entity, machine) => {
    expect(machine.entity).toBe(entity)
    expect(machine.moves.length).toBeGreaterThan(0)
    for (const move of machine.moves) {
      const where = `${entity} ${move.from}>${move.to} on ${move.on}`
      if (move.from !== null) expect(machine.statuses, where).toContain(move.from)
      expect(machine.statuses, where).toContain(move.to)
      expect(Object.keys(machine.events), where).toContain(move.on)
      expect(move.by.length, where).toBeGreaterThan(0)
      for (const trigger of move.by) expect(triggers, where).toContain(trigger)
    }
  })

  it.each(machines)('%s: no move is declared twice, and every event makes at least one', (_, machine) => {
    const keys = machine.moves.map((move) => `${move.from}>${move.to}:${move.on}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const event of Object.keys(machine.events))
      expect(machine.moves.some((move) => move.on === event)).toBe(true)
  })

  it.each(machines)(
    '%s: rows are created in the first status (pending; a payout or a deposit scheduled, a claim open), and every status is reachable from there',
    (entity, machine) => {
      const first =
        entity === 'payout' || entity === 'deposit' ? 'scheduled' : entity === 'claim' ? 'open' : 'pending'
      expect(machine.statuses[0]).toBe(first)
      expect(machine.moves.filter((move) => move.from === null).map((move) => move.to)).toEqual([first])
      const reached = new Set<string>([first])
      for (let grew = true; grew;) {
        grew = false
        for (const move of machine.moves) {
          if (move.from !== null && reached.has(move.from) && !reached.has(move.to)) {
            reached.add(move.to)
            grew = true
          }
        }
      }
      expect([...reached].sort()).toEqual([...machine.statuses].sort())
    },
  )
})

describe('settled statuses stay settled', () => {
  it('a rental never leaves completed or cancelled', () => {
    expect(pairs(rentalMachine, 'completed')).toEqual([])
    expect(pairs(rentalMachine, 'cancelled')).toEqual([])
  })

  it('a refund never leaves failed or canceled', () => {
    expect(pairs(refundMachine, 'failed')).toEqual([])
    expect(pairs(refundMachine, 'canceled')).toEqual([])
  })

  it("a succeeded refund only fails (Stripe's one way back), reported by Stripe", () => {
    expect(pairs(refundMachine, 'succeeded')).toEqual(['succeeded>failed:stripe'])
  })

  it('refund statuses only move forward: nothing goes back to pending or requires_action', () => {
    const rank = { pending: 0, requires_action: 1, succeeded: 2, failed: 3, canceled: 3 } as const
    for (const move of refundMachine.moves) {
      if (move.from === null) continue
      expect(rank[move.to], `${move.from}>${move.to}`).toBeGreaterThan(rank[move.from])
    }
    expect(statusesInto(refundMachine, 'stripe', 'pending')).toEqual([])
    expect(statusesInto(refundMachine, 'stripe', 'requires_action')).toEqual(['pending'])
  })

  it('a deposit never leaves released, captured, partially_captured or failed', () => {
    for (const settled of ['released', 'captured', 'partially_captured', 'failed'])
      expect(pairs(depositMachine, settled)).toEqual([])
  })

  it('a held deposit only renews its hold, lapses, is released or captured: it never waits for the renter again', () => {
    expect(pairs(depositMachine, 'held')).toEqual([
      'held>held:rehold',
      'held>lapsed:expire',
      'held>released:release',
      'held>captured:capture',
      'held>partially_captured:capture',
    ])
    // Money is taken only by a claim: a capture from the hold, or an off-session charge without one.
    const taking = depositMachine.moves.filter(
      (move) => move.to === 'captured' || move.to === 'partially_captured',
    )
    expect(new Set(taking.map((move) => move.on))).toEqual(new Set(['capture', 'collect']))
  })

  it('a claim never leaves captured, collection_failed or withdrawn, and only the renter or the cron accept it', () => {
    for (const settled of ['captured', 'collection_failed', 'withdrawn'])
      expect(pairs(claimMachine, settled)).toEqual([])
    expect(allowedMoves(claimMachine, 'accept', 'api')).toEqual([['open', 'accepted']])
    expect(allowedMoves(claimMachine, 'unanswered', 'reconciler')).toEqual([['open', 'accepted']])
    expect(allowedMoves(claimMachine, 'unanswered', 'api')).toEqual([])
    expect(allowedMoves(claimMachine, 'decide', 'api')).toEqual([['contested', 'decided']])
    expect(pairs(claimMachine, 'decided')).toEqual([
      'decided>captured:capture',
      'decided>collection_failed:fail',
    ])
  })

  it("a PaymentIntent's status never moves a refunded or disputed payment", () => {
    const settled = ['partially_refunded', 'refunded', 'refund_failed', 'disputed']
    const intentMoves = paymentMachine.moves.filter((move) => move.on === 'intent')
    expect(intentMoves.length).toBeGreaterThan(0)
    for (const move of intentMoves) {
      expect(settled).not.toContain(move.from)
      expect(settled).not.toContain(move.to)
    }
  })

  it('only the reconciler gives up on a refund, and only disputes move a payment out of disputed', () => {
    const giveUp = paymentMachine.moves.filter((move) => move.on === 'give_up')
    expect(giveUp.length).toBeGreaterThan(0)
    for (const move of giveUp) {
      expect(move.by).toEqual(['reconciler'])
      expect(move.to).toBe('refund_failed')
    }
    for (const trigger of ['api', 'webhook'] as const)
      expect(allowedMoves(paymentMachine, 'give_up', trigger)).toEqual([])
    const outOfDisputed = movesFrom(paymentMachine, 'disputed').filter((move) => move.to !== 'disputed')
    expect(outOfDisputed.map((move) => move.on)).toEqual(['dispute_won', 'dispute_won', 'dispute_won'])
    expect(outOfDisputed.every((move) => move.by.join() === 'webhook')).toBe(true)
  })
})

describe('allowedMoves', () => {
  it('keeps only the moves of the event, made by the trigger, into the target', () => {
    expect(allowedMoves(rentalMachine, 'return', 'api')).toEqual([['active', 'completed']])
    expect(allowedMoves(rentalMachine, 'return', 'webhook')).toEqual([])
    expect(allowedMoves(rentalMachine, 'expire', 'reconciler')).toEqual([['pending', 'cancelled']])
    expect(allowedMoves(rentalMachine, 'expire', 'webhook')).toEqual([])
    expect(allowedMoves(rentalMachine, 'refund', 'webhook', 'cancelled')).toEqual([
      ['pending', 'cancelled'],
      ['active', 'cancelled'],
    ])
    expect(allowedMoves(rentalMachine, 'refund', 'webhook', 'completed')).toEqual([])
    expect(allowedMoves(refundMachine, 'refused', 'api')).toEqual([['pending', 'failed']])
    expect(allowedMoves(refundMachine, 'refused', 'webhook')).toEqual([['pending', 'failed']])
    expect(allowedMoves(refundMachine, 'refused', 'reconciler')).toEqual([['pending', 'failed']])
    expect(allowedMoves(refundMachine, 'stripe', 'webhook', 'succeeded')).toEqual([
      ['pending', 'succeeded'],
      ['requires_action', 'succeeded'],
    ])
    expect(allowedMoves(refundMachine, 'stripe', 'api', 'failed')).toEqual([
      ['pending', 'failed'],
      ['requires_action', 'failed'],
      ['succeeded', 'failed'],
    ])
    expect(allowedMoves(paymentMachine, 'dispute', 'webhook', 'disputed')).toEqual([
      ['completed', 'disputed'],
      ['partially_refunded', 'disputed'],
      ['refund_failed', 'disputed'],
    ])
    expect(allowedMoves(paymentMachine, 'dispute', 'api')).toEqual([])
  })

  it('never returns a creation (from null), and without a target returns every move of the event', () => {
    expect(allowedMoves(rentalMachine, 'book', 'api')).toEqual([])
    expect(allowedMoves(refundMachine, 'request', 'api')).toEqual([])
    for (const [, machine] of machines) {
      for (const event of Object.keys(machine.events)) {
        for (const trigger of triggers) {
          const expected = machine.moves
            .filter((move) => move.from !== null && move.on === event && move.by.includes(trigger))
            .map((move) => [move.from, move.to])
          expect(allowedMoves(machine, event, trigger)).toEqual(expected)
        }
      }
    }
  })

  it('an unknown event or a status no move reaches allows nothing', () => {
    expect(allowedMoves(paymentMachine, 'no_such_event', 'api')).toEqual([])
    expect(allowedMoves(paymentMachine, 'intent', 'webhook', 'refunded')).toEqual([])
  })
})

describe('statusesInto', () => {
  it("a PaymentIntent's success completes a pending, processing or failed payment", () => {
    expect(statusesInto(paymentMachine, 'intent', 'completed')).toEqual(['pending', 'processing', 'failed'])
  })

  it('whoever reports it, and never from a creation', () => {
    expect(statusesInto(refundMachine, 'stripe', 'failed')).toEqual([
      'pending',
      'requires_action',
      'succeeded',
    ])
    expect(statusesInto(refundMachine, 'refused', 'failed')).toEqual(['pending'])
    expect(statusesInto(rentalMachine, 'book', 'pending')).toEqual([])
    expect(statusesInto(paymentMachine, 'give_up', 'refund_failed')).toEqual([
      'completed',
      'partially_refunded',
    ])
  })
})

describe('stateDiagram', () => {
  it.each(machines)('%s: a Mermaid header, then one line per move', (_, machine) => {
    const [header, ...lines] = stateDiagram(machine).split('\n')
    expect(header).toBe('stateDiagram-v2')
    expect(lines).toHaveLength(machine.moves.length)
    machine.moves.forEach((move, index) => {
      const line = lines[index]!
      expect(line.startsWith(`  ${move.from ?? '[*]'} --> ${move.to}: ${machine.events[move.on]}`)).toBe(true)
    })
  })

  it('names the triggers only when not everyone may make the move', () => {
    const lines = stateDiagram(rentalMachine).split('\n')
    expect(lines).toContain('  [*] --> pending: booked: dates held (api)')
    expect(lines).toContain('  pending --> active: payment completed')
    expect(lines).toContain('  pending --> cancelled: hold expired unpaid (api, reconciler)')
    expect(stateDiagram(paymentMachine).split('\n')).toContain(
      '  completed --> refund_failed: refund of a cancelled rental kept failing (reconciler)',
    )
  })
})
