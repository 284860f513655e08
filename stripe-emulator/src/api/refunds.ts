import type Stripe from 'stripe'
import type { Ctx } from '../domain/context'
import { latestCharge } from '../domain/lifecycle'
import { createRefund } from '../domain/refunds'
import { invalidRequest } from '../lib/errors'
import type { Params } from '../lib/form'
import { mergeMetadata, optionalEnum, optionalInteger, optionalString, rejectUnknown } from '../lib/params'
import { LIST_PARAMS, paginate } from './list'
import { findIntent, findObject } from './lookup'
import type { ApiRequest } from './types'

/**
 * Stripe's others are not implemented and refused as unknown parameters: `reverse_transfer` and
 * `refund_application_fee` (destination charges are not settled: no transfer or fee to take back), and the
 * customer-balance refund's `currency`, `customer`, `origin` and `instructions_email`.
 */
const CREATE_PARAMS = ['charge', 'payment_intent', 'amount', 'reason', 'metadata', 'expand']

function chargeToRefund(ctx: Ctx, params: Params): Stripe.Charge {
  const chargeId = optionalString(params, 'charge')
  const intentId = optionalString(params, 'payment_intent')
  if (chargeId && intentId) {
    throw invalidRequest('You can only specify one of these parameters: charge, payment_intent.', {
      param: 'charge',
    })
  }
  if (chargeId) {
    return findObject<Stripe.Charge>(ctx.store, 'charge', chargeId, 'charge')
  }
  if (!intentId) {
    throw invalidRequest(
      'One of the following params should be provided for this request: payment_intent or charge.',
      {
        code: 'parameter_missing',
      },
    )
  }
  const intent = findIntent(ctx, intentId)
  const charge = latestCharge(ctx, intent)
  if (!charge || intent.status !== 'succeeded') {
    throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
      param: 'payment_intent',
    })
  }
  return charge
}

export function createRefundRoute({ ctx, params }: ApiRequest) {
  rejectUnknown(params, CREATE_PARAMS)
  const charge = chargeToRefund(ctx, params)
  const reasons = ['duplicate', 'fraudulent', 'requested_by_customer'] as const
  return createRefund(ctx, {
    charge,
    amount: optionalInteger(params, 'amount'),
    reason: optionalEnum(params, 'reason', reasons) ?? null,
    metadata: mergeMetadata({}, params),
  })
}

const findRefund = (ctx: Ctx, id: string) => findObject<Stripe.Refund>(ctx.store, 'refund', id)

export function retrieveRefund({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['expand'])
  return findRefund(ctx, id)
}

export function updateRefund({ ctx, params, id }: ApiRequest) {
  rejectUnknown(params, ['metadata', 'expand'])
  const refund = findRefund(ctx, id)
  refund.metadata = mergeMetadata(refund.metadata ?? {}, params)
  const links = {
    charge: refund.charge as string | null,
    payment_intent: refund.payment_intent as string | null,
  }
  return ctx.store.put(refund, links)
}

export function listRefunds({ ctx, params }: ApiRequest) {
  rejectUnknown(params, [...LIST_PARAMS, 'charge', 'payment_intent'])
  const filter = {
    charge: optionalString(params, 'charge'),
    payment_intent: optionalString(params, 'payment_intent'),
  }
  return paginate(ctx.store.list<Stripe.Refund>('refund', filter), params, '/v1/refunds')
}
