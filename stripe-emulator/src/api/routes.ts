import { createAccountLink } from './account-links'
import {
  createAccount,
  deleteAccount,
  listAccounts,
  retrieveAccount,
  retrieveCurrentAccount,
  updateAccount,
} from './accounts'
import { listPayouts, retrieveBalance, retrievePayout } from './balance'
import { listCharges, listDisputes, retrieveCharge, retrieveDispute } from './charges'
import { confirmIntentRoute } from './confirm-intent'
import {
  createCustomer,
  deleteCustomer,
  listCustomerPaymentMethods,
  listCustomers,
  retrieveCustomer,
  retrieveCustomerPaymentMethod,
  updateCustomer,
} from './customers'
import { listEvents, retrieveEvent } from './events'
import {
  cancelIntentRoute,
  captureIntentRoute,
  createIntent,
  listIntents,
  retrieveIntent,
  updateIntent,
} from './payment-intents'
import {
  attachPaymentMethodRoute,
  detachPaymentMethodRoute,
  listPaymentMethods,
  retrievePaymentMethod,
} from './payment-methods'
import { createRefundRoute, listRefunds, retrieveRefund, updateRefund } from './refunds'
import {
  createReversal,
  createTransferRoute,
  listReversals,
  listTransfers,
  retrieveReversal,
  retrieveTransfer,
  updateReversal,
  updateTransfer,
} from './transfers'
import {
  cancelSetupIntentRoute,
  confirmSetupIntentRoute,
  createSetupIntent,
  listSetupIntents,
  retrieveSetupIntent,
  updateSetupIntent,
} from './setup-intents'
import type { Handler } from './types'
import { matchPathParams } from '../lib/paths'

type Route = [method: string, path: string, handler: Handler]

const ROUTES: Route[] = [
  ['POST', '/v1/payment_intents', createIntent],
  ['GET', '/v1/payment_intents', listIntents],
  ['GET', '/v1/payment_intents/:id', retrieveIntent],
  ['POST', '/v1/payment_intents/:id', updateIntent],
  ['POST', '/v1/payment_intents/:id/confirm', confirmIntentRoute],
  ['POST', '/v1/payment_intents/:id/cancel', cancelIntentRoute],
  ['POST', '/v1/payment_intents/:id/capture', captureIntentRoute],
  ['POST', '/v1/setup_intents', createSetupIntent],
  ['GET', '/v1/setup_intents', listSetupIntents],
  ['GET', '/v1/setup_intents/:id', retrieveSetupIntent],
  ['POST', '/v1/setup_intents/:id', updateSetupIntent],
  ['POST', '/v1/setup_intents/:id/confirm', confirmSetupIntentRoute],
  ['POST', '/v1/setup_intents/:id/cancel', cancelSetupIntentRoute],
  ['POST', '/v1/customers', createCustomer],
  ['GET', '/v1/customers', listCustomers],
  ['GET', '/v1/customers/:id', retrieveCustomer],
  ['POST', '/v1/customers/:id', updateCustomer],
  ['DELETE', '/v1/customers/:id', deleteCustomer],
  ['GET', '/v1/customers/:id/payment_methods', listCustomerPaymentMethods],
  ['GET', '/v1/customers/:id/payment_methods/:sub', retrieveCustomerPaymentMethod],
  ['GET', '/v1/payment_methods', listPaymentMethods],
  ['GET', '/v1/payment_methods/:id', retrievePaymentMethod],
  ['POST', '/v1/payment_methods/:id/attach', attachPaymentMethodRoute],
  ['POST', '/v1/payment_methods/:id/detach', detachPaymentMethodRoute],
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
  ['POST', '/v1/accounts', createAccount],
  ['GET', '/v1/accounts', listAccounts],
  ['GET', '/v1/accounts/:id', retrieveAccount],
  ['POST', '/v1/accounts/:id', updateAccount],
  ['DELETE', '/v1/accounts/:id', deleteAccount],
  ['GET', '/v1/account', retrieveCurrentAccount],
  ['POST', '/v1/account_links', createAccountLink],
  ['POST', '/v1/transfers', createTransferRoute],
  ['GET', '/v1/transfers', listTransfers],
  ['GET', '/v1/transfers/:id', retrieveTransfer],
  ['POST', '/v1/transfers/:id', updateTransfer],
  ['POST', '/v1/transfers/:id/reversals', createReversal],
  ['GET', '/v1/transfers/:id/reversals', listReversals],
  ['GET', '/v1/transfers/:id/reversals/:sub', retrieveReversal],
  ['POST', '/v1/transfers/:id/reversals/:sub', updateReversal],
  ['GET', '/v1/balance', retrieveBalance],
  ['GET', '/v1/payouts', listPayouts],
  ['GET', '/v1/payouts/:id', retrievePayout],
]

export function matchRoute(
  method: string,
  path: string,
): { handler: Handler; id: string; subId: string } | null {
  for (const [routeMethod, pattern, handler] of ROUTES) {
    if (routeMethod !== method) continue
    const params = matchPathParams(pattern, path)
    if (params !== null) return { handler, id: params[0] ?? '', subId: params[1] ?? '' }
  }
  return null
}
