import type Stripe from 'stripe'
import { invalidRequest, resourceMissing } from '../lib/errors'
import { capabilitiesOf } from './accounts'
import { availableFunds } from './balance'
import { type Account, newTransfer, newTransferReversal, type TransferRequest } from './connect-objects'

import type { Ctx } from './context'
import { emit } from './events'

/** The capabilities Stripe accepts on a transfer's destination (any one of them, active). */
const TRANSFER_CAPABILITIES = ['transfers', 'crypto_transfers', 'legacy_payments']

const INSUFFICIENT_BALANCE =
  'You have insufficient funds in your Stripe account for this transfer. Your card balance is too low.  You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).'

function destinationOf(ctx: Ctx, id: string): Account {
  const account = ctx.store.forAccount(null).get<Account>(id, 'account')
  if (!account) {
    throw invalidRequest(`No such destination: '${id}'`, { param: 'destination', code: 'resource_missing' })
  }
  const capabilities = capabilitiesOf(account)
  if (!TRANSFER_CAPABILITIES.some((name) => capabilities[name] === 'active')) {
    throw invalidRequest(
      `Your destination account needs to have at least one of the following capabilities enabled: ${TRANSFER_CAPABILITIES.join(', ')}`,
      { param: 'destination', code: 'insufficient_capabilities_for_transfer' },
    )
  }
  return account
}

/** What is left to transfer from a charge: its amount less refunds and the transfers made from it. */
export function transferableFrom(ctx: Ctx, charge: Stripe.Charge): number {
  const transferred = ctx.store
    .list<Stripe.Transfer>('transfer', { charge: charge.id })
    .reduce((sum, transfer) => sum + transfer.amount - transfer.amount_reversed, 0)
  return charge.amount - charge.amount_refunded - transferred
}

/** The source charge, checked: succeeded and captured, in the transfer's currency, with enough left. */
function sourceCharge(ctx: Ctx, id: string, request: TransferRequest): Stripe.Charge {
  const charge = ctx.store.get<Stripe.Charge>(id, 'charge')
  if (!charge) {
    throw invalidRequest(`No such charge: '${id}'`, { param: 'source_transaction', code: 'resource_missing' })
  }
  if (charge.status !== 'succeeded' || !charge.captured) {
    throw invalidRequest(
      `The source_transaction ${id} has not succeeded and been captured (status ${charge.status}); only a captured charge's funds can be transferred.`,
      { param: 'source_transaction' },
    )
  }
  if (charge.currency !== request.currency) {
    throw invalidRequest(
      `The currency of source_transaction's balance transaction (${charge.currency}) must be the same as the transfer currency (${request.currency})`,
      { param: 'currency' },
    )
  }
  const left = transferableFrom(ctx, charge)
  if (request.amount > left) {
    throw invalidRequest(
      `Insufficient funds on source_transaction ${id}: the transfer amount (${request.amount}) is more than what is left to transfer from it (${left}: its amount less refunds and earlier transfers).`,
      { param: 'amount', code: 'balance_insufficient' },
    )
  }
  return charge
}

/**
 * Separate charges and transfers: from a source charge (`source_transaction`, limited to what is left on
 * it), or from the available balance (refused with `balance_insufficient` when it is short).
 */
export function createTransfer(ctx: Ctx, request: TransferRequest): Stripe.Transfer {
  destinationOf(ctx, request.destination)
  let transferGroup = request.transfer_group
  if (request.source_transaction) {
    const charge = sourceCharge(ctx, request.source_transaction, request)
    // Stripe puts a transfer from a charge in the charge's transfer group, making one when it has none.
    if (!charge.transfer_group && typeof charge.payment_intent === 'string') {
      charge.transfer_group = `group_${charge.payment_intent}`
      ctx.store.put(charge, { payment_intent: charge.payment_intent })
    }
    transferGroup ??= charge.transfer_group
  } else {
    const available = availableFunds(ctx.store, ctx.store.account)[request.currency] ?? 0
    if (request.amount > available)
      throw invalidRequest(INSUFFICIENT_BALANCE, { code: 'balance_insufficient' })
  }
  const transfer = newTransfer({ ...request, transfer_group: transferGroup }, ctx.store.now())
  save(ctx, transfer)
  emit(ctx, { type: 'transfer.created', object: transfer })
  return transfer
}

export function save(ctx: Ctx, transfer: Stripe.Transfer): Stripe.Transfer {
  return ctx.store.put(transfer, { charge: transfer.source_transaction as string | null })
}

export function findTransfer(ctx: Ctx, id: string): Stripe.Transfer {
  const transfer = ctx.store.get<Stripe.Transfer>(id, 'transfer')
  if (!transfer) throw resourceMissing('transfer', id)
  return transfer
}

export const reversalsOf = (ctx: Ctx, transfer: Stripe.Transfer) =>
  ctx.store
    .list<Stripe.TransferReversal>('transfer_reversal')
    .filter((reversal) => reversal.transfer === transfer.id)

/** The first 10 reversals, newest first, as Stripe embeds them in the Transfer. */
function embeddedReversals(ctx: Ctx, transfer: Stripe.Transfer): Stripe.Transfer['reversals'] {
  const all = reversalsOf(ctx, transfer)
  return {
    object: 'list',
    data: all.slice(0, 10),
    has_more: all.length > 10,
    url: `/v1/transfers/${transfer.id}/reversals`,
  }
}

interface ReversalRequest {
  amount?: number
  metadata: Record<string, string>
}

/**
 * Takes back all (no amount) or part of a transfer from its destination, which must hold the funds. Records
 * `transfer.reversed` for partial and full reversals alike, as Stripe does.
 */
export function reverseTransfer(ctx: Ctx, transfer: Stripe.Transfer, request: ReversalRequest) {
  const left = transfer.amount - transfer.amount_reversed
  if (left <= 0) {
    throw invalidRequest(`Transfer ${transfer.id} has already been fully reversed.`, { param: 'amount' })
  }
  const amount = request.amount ?? left
  if (amount <= 0) throw invalidRequest('Invalid positive integer', { param: 'amount' })
  if (amount > left) {
    throw invalidRequest(
      `Transfer reversal amount (${amount}) is greater than the amount left to reverse on transfer ${transfer.id} (${left}).`,
      { param: 'amount', code: 'amount_too_large' },
    )
  }
  const destination = transfer.destination as string
  const held = availableFunds(ctx.store, destination)[transfer.currency] ?? 0
  if (amount > held) {
    throw invalidRequest(
      `Insufficient funds in the destination account ${destination} to reverse this transfer: it holds ${held} ${transfer.currency} and the reversal is ${amount}.`,
      { param: 'amount', code: 'balance_insufficient' },
    )
  }
  const reversal = newTransferReversal(transfer, amount, request.metadata, ctx.store.now())
  ctx.store.put(reversal)
  const previous = { amount_reversed: transfer.amount_reversed, reversed: transfer.reversed }
  transfer.amount_reversed += amount
  transfer.reversed = transfer.amount_reversed >= transfer.amount
  transfer.reversals = embeddedReversals(ctx, transfer)
  save(ctx, transfer)
  emit(ctx, { type: 'transfer.reversed', object: transfer, previous })
  return reversal
}
