import type Stripe from 'stripe'
import { createTransfer, findTransfer, reversalsOf, reverseTransfer, save } from '../domain/transfers'
import { emit } from '../domain/events'
import { invalidRequest, resourceMissing } from '../lib/errors'
import {
  mergeMetadata,
  optionalEnum,
  optionalInteger,
  optionalString,
  rejectUnknown,
  requiredInteger,
  requiredString,
} from '../lib/params'
import { parseCurrency } from './intent-params'
import { LIST_PARAMS, paginate } from './list'
import type { ApiRequest } from './types'

const CREATE_PARAMS = [
  ...['amount', 'currency', 'destination', 'source_transaction', 'transfer_group', 'metadata'],
  ...['description', 'source_type', 'expand'],
]

export function createTransferRoute({ ctx, params }: ApiRequest) {
  rejectUnknown(params, CREATE_PARAMS)
  const currency = parseCurrency(params)
  const amount = requiredInteger(params, 'amount')
  if (amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', { param: 'amount' })
  return createTransfer(ctx, {
    amount,
    currency,
    destination: requiredString(params, 'destination'),
    source_transaction: optionalString(params, 'source_transaction') || null,
    transfer_group: optionalString(params, 'transfer_group') || null,
    description: optionalString(params, 'description') || null,
    metadata: mergeMetadata({}, params),
    source_type: optionalEnum(params, 'source_type', ['bank_account', 'card', 'fpx'] as const) ?? 'card',
  })
}

export function retrieveTransfer({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  return findTransfer(ctx, id)
}

/** Metadata and description; `transfer.updated` with `previous_attributes` when either changed. */
export function updateTransfer({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['description', 'metadata', 'expand'])
  const transfer = findTransfer(ctx, id)
  const previous: Partial<Pick<Stripe.Transfer, 'description' | 'metadata'>> = {}
  const metadata = mergeMetadata(transfer.metadata, params)
  if (JSON.stringify(metadata) !== JSON.stringify(transfer.metadata)) previous.metadata = transfer.metadata
  const description = optionalString(params, 'description')
  if (description !== undefined && (description || null) !== transfer.description) {
    previous.description = transfer.description
    transfer.description = description || null
  }
  transfer.metadata = metadata
  save(ctx, transfer)
  if (Object.keys(previous).length > 0) emit(ctx, { type: 'transfer.updated', object: transfer, previous })
  return transfer
}

export function listTransfers({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'destination', 'transfer_group'])
  const destination = optionalString(params, 'destination')
  const group = optionalString(params, 'transfer_group')
  const transfers = ctx.store
    .list<Stripe.Transfer>('transfer')
    .filter((transfer) => !destination || transfer.destination === destination)
    .filter((transfer) => !group || transfer.transfer_group === group)
  return paginate(transfers, params, '/v1/transfers')
}

/**
 * `amount` and `metadata`. Stripe's `description` (which a TransferReversal does not show) and
 * `refund_application_fee` (no application fees are modelled) are refused as unknown parameters.
 */
export function createReversal({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['amount', 'metadata', 'expand'])
  const transfer = findTransfer(ctx, id)
  return reverseTransfer(ctx, transfer, {
    amount: optionalInteger(params, 'amount'),
    metadata: mergeMetadata({}, params),
  })
}

export function listReversals({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, LIST_PARAMS)
  const transfer = findTransfer(ctx, id)
  return paginate(reversalsOf(ctx, transfer), params, `/v1/transfers/${transfer.id}/reversals`)
}

function findReversal({ ctx, id, subId }: ApiRequest): Stripe.TransferReversal {
  const transfer = findTransfer(ctx, id)
  const reversal = ctx.store.get<Stripe.TransferReversal>(subId, 'transfer_reversal')
  if (!reversal || reversal.transfer !== transfer.id) throw resourceMissing('transfer_reversal', subId)
  return reversal
}

export function retrieveReversal(request: ApiRequest) {
  rejectUnknown(request.params, ['expand'])
  return findReversal(request)
}

export function updateReversal(request: ApiRequest) {
  rejectUnknown(request.params, ['metadata', 'expand'])
  const reversal = findReversal(request)
  reversal.metadata = mergeMetadata(reversal.metadata ?? {}, request.params)
  return request.ctx.store.put(reversal)
}
