import { jsonPageResponse } from '../../lib/pagination'
import type { AppEnv } from '../../env'
import type { AppRouteHandler } from '../../lib/route-handler'
import { listPayments, getPaymentFor } from '../../services/payment-reads'
import { confirmPayment, initiatePayment } from '../../services/payments'
import { refundPayment } from '../../services/refunds'
import { toPaymentJson, toRefundJson } from '../../services/payment-json'
import type { ConfirmRoute, GetOneRoute, InitiateRoute, ListRoute, RefundRoute } from './payments.routes'

const deps = ({ var: { db, stripe, settings, logger } }: { var: AppEnv['Variables'] }) => ({
  db,
  stripe,
  settings,
  logger,
})

export const initiate: AppRouteHandler<InitiateRoute> = async (c) => {
  const { payment, intent } = await initiatePayment(deps(c), c.var.user, c.req.valid('param').rental_id)
  return c.json(
    {
      payment_id: payment.id,
      client_secret: intent.client_secret ?? '',
      payment_intent_id: intent.id,
      amount: payment.amount,
      currency: payment.currency,
      stripe_public_key: c.var.settings.STRIPE_PUBLISHABLE_KEY,
      status: payment.status,
    },
    200,
  )
}

export const confirm: AppRouteHandler<ConfirmRoute> = async (c) => {
  const { rental_id } = c.req.valid('param')
  const result = await confirmPayment(
    deps(c),
    c.var.user,
    rental_id,
    c.req.valid('json').stripe_payment_intent_id,
  )
  if (result.kind === 'completed') return c.json(toPaymentJson(result.payment), 200)
  return c.json({ ...toPaymentJson(result.payment), payment_intent_status: result.intentStatus }, 202)
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const page = await listPayments(c.var.db, c.var.user.id, c.req.valid('query'))
  return jsonPageResponse(c, page)
}

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { payment, refunds } = await getPaymentFor(c.var.db, c.var.user, c.req.valid('param').id)
  return c.json({ ...toPaymentJson(payment), refunds: refunds.map(toRefundJson) }, 200)
}

export const refund: AppRouteHandler<RefundRoute> = async (c) => {
  // An empty body is no body (jsonBodyOnly), and the optional body then validates as {}: refund it all.
  const result = await refundPayment(
    c.var.db,
    c.var.stripe,
    c.var.user,
    c.req.valid('param').payment_id,
    c.req.valid('json'),
  )
  return c.json({ payment: toPaymentJson(result.payment), refund: toRefundJson(result.refund) }, 200)
}
