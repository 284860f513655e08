import { listCharges, listDisputes, retrieveCharge, retrieveDispute } from './charges'
import { confirmIntentRoute } from './confirm-intent'
import { listEvents, retrieveEvent } from './events'
import {
  cancelIntentRoute,
  captureIntentRoute,
  createIntent,
  listIntents,
  retrieveIntent,
  updateIntent,
} from './payment-intents'
import { createRefundRoute, listRefunds, retrieveRefund, updateRefund } from './refunds'
import type { Handler } from './types'
import { matchPath } from '../lib/paths'

type Route = [method: string, path: string, handler: Handler]

const ROUTES: Route[] = [
  ['POST', '/v1/payment_intents', createIntent],
  ['GET', '/v1/payment_intents', listIntents],
  ['GET', '/v1/payment_intents/:id', retrieveIntent],
  ['POST', '/v1/payment_intents/:id', updateIntent],
  ['POST', '/v1/payment_intents/:id/confirm', confirmIntentRoute],
  ['POST', '/v1/payment_intents/:id/cancel', cancelIntentRoute],
  ['POST', '/v1/payment_intents/:id/capture', captureIntentRoute],
  ['GET', '/v1/charges', listCharges],
  ['GET', '/v1/charges/:id', retrieveCharge],
  ['POST', '/v1/refunds', createRefundRoute],
  ['GET', '/v1/refunds', listRefunds],
  ['GET', '/v1/refunds/:id', retrieveRefund],
  ['POST', '/v1/refunds/:id', updateRefund],
  ['GET', '/v1/events', listEvents],
  ['GET', '/v1/events/:id', retrieveEvent],
  ['GET', '/v1/disputes', listDisputes],
  ['GET', '/v1/disputes/:id', retrieveDispute],
]

export function matchRoute(method: string, path: string): { handler: Handler; id: string } | null {
  for (const [routeMethod, pattern, handler] of ROUTES) {
    if (routeMethod !== method) continue
    const id = matchPath(pattern, path)
    if (id !== null) return { handler, id }
  }
  return null
}
