import { jsonPageResponse } from '../../adapters/d1/pagination'
import type { AppRouteHandler } from '../route-handler'
import { listPayments, getPaymentFor } from '../../use-cases/payments/read-payments'
import { confirmPayment } from '../../use-cases/payments/confirm-payment'
import { initiatePayment } from '../../use-cases/payments/initiate-payment'
import { refundPayment } from '../../use-cases/payments/refund-payment'
import { toPaymentJson, toRefundJson } from '../../use-cases/payments/payment-json'
import { timelineOf } from '../../use-cases/payments/payment-timeline'
import { creditNoteOf, receiptOf } from '../../use-cases/payments/documents'
import { creditNoteHtml, receiptHtml } from './document-html'
import type { Context } from 'hono'
import type { HtmlEscapedString } from 'hono/utils/html'
import type {
  ConfirmRoute,
  GetOneRoute,
  InitiateRoute,
  ListRoute,
  RefundRoute,
  TimelineRoute,
  ReceiptRoute,
  CreditNoteRoute,
} from './payments.routes'

export const initiate: AppRouteHandler<InitiateRoute> = async (c) => {
  const { payment, intent } = await initiatePayment(
    c.var.services,
    c.var.user,
    c.req.valid('param').rental_id,
  )
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
    c.var.services,
    c.var.user,
    rental_id,
    c.req.valid('json').stripe_payment_intent_id,
  )
  if (result.kind === 'completed') return c.json(toPaymentJson(result.payment), 200)
  return c.json({ ...toPaymentJson(result.payment), payment_intent_status: result.intentStatus }, 202)
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const page = await listPayments(c.var.services, c.var.user, c.req.valid('query'))
  return jsonPageResponse(c, page)
}

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { payment, refunds } = await getPaymentFor(c.var.services, c.var.user, c.req.valid('param').id)
  return c.json({ ...toPaymentJson(payment), refunds: refunds.map(toRefundJson) }, 200)
}

export const refund: AppRouteHandler<RefundRoute> = async (c) => {
  // An empty body is no body (jsonBodyOnly), and the optional body then validates as {}: refund it all.
  const result = await refundPayment(
    c.var.services,
    c.var.user,
    c.req.valid('param').payment_id,
    c.req.valid('json'),
  )
  return c.json({ payment: toPaymentJson(result.payment), refund: toRefundJson(result.refund) }, 200)
}

export const timeline: AppRouteHandler<TimelineRoute> = async (c) => {
  return c.json(await timelineOf(c.var.services, c.var.user, c.req.valid('param').id), 200)
}

/** HTML unless the client asks for JSON: a receipt is a page to print first. */
const document = <T>(c: Context, json: T, page: () => HtmlEscapedString | Promise<HtmlEscapedString>) =>
  (c.req.header('accept') ?? '').includes('application/json')
    ? c.json(json, 200)
    : (c.html(page()) as unknown as ReturnType<typeof c.json<T, 200>>)

export const receipt: AppRouteHandler<ReceiptRoute> = async (c) => {
  const found = await receiptOf(
    c.var.services,
    c.var.user,
    c.req.valid('param').id,
    c.req.valid('query').locale,
  )
  return document(c, found, () => receiptHtml(found))
}

export const creditNote: AppRouteHandler<CreditNoteRoute> = async (c) => {
  const found = await creditNoteOf(
    c.var.services,
    c.var.user,
    c.req.valid('param').id,
    c.req.valid('query').locale,
  )
  return document(c, found, () => creditNoteHtml(found))
}
