import { createRoute } from '@hono/zod-openapi'
import * as z from '../../lib/zod'
import { JSON_BODY, NO_BODY, problemResponses, SIGNED_IN, STRIPE } from '../error-responses'
import { idParam, jsonBody, jsonContent, lazySchema, security } from '../schemas'
import { requireAuth } from '../../middleware/auth'
import {
  ConfirmBody,
  ConfirmPending,
  InitiateResponse,
  PaymentListQuery,
  PaymentPage,
  PaymentSchema,
  PaymentWithRefunds,
  RefundBody,
  RefundResponse,
  TimelineSchema,
  CreditNoteSchema,
  DocumentQuery,
  ReceiptSchema,
} from './payments.schemas'

const common = { tags: ['payments'], security }

const paymentOrRentalId = z.object({
  id: z
    .string()
    .regex(/^(rnt|pay)_[A-Za-z0-9]{1,64}$/, 'Must be a rental id (rnt_…) or a payment id (pay_…)')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'rnt_4f1c9a2b7d3e8f0a1b2c' }),
})

export const initiate = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{rental_id}/initiate',
  summary: 'Start (or resume) paying for a pending rental: returns the client secret for Stripe.js',
  request: { params: idParam('rnt', 'rental_id') },
  responses: {
    200: { description: 'The payment and its PaymentIntent', ...jsonContent(InitiateResponse) },
    ...problemResponses(SIGNED_IN, NO_BODY, STRIPE, [
      'validation_failed',
      'rental_not_found',
      'not_renter',
      'rental_not_payable',
      'rental_hold_expired',
      'payment_already_completed',
      'payment_attempt_in_progress',
      'amount_too_small',
    ]),
  },
})

export const confirm = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{rental_id}/confirm',
  summary: 'After Stripe.js confirmed the card: verify the PaymentIntent with Stripe and activate the rental',
  request: { params: idParam('rnt', 'rental_id'), body: jsonBody(ConfirmBody) },
  responses: {
    200: { description: 'Payment completed, rental active', ...jsonContent(PaymentSchema) },
    202: {
      description: 'Still processing or waiting for customer action (3-D Secure)',
      ...jsonContent(ConfirmPending),
    },
    ...problemResponses(SIGNED_IN, JSON_BODY, STRIPE, [
      'rental_not_found',
      'not_renter',
      'payment_not_found',
      'payment_intent_mismatch',
      'payment_failed',
    ]),
  },
})

export const timeline = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}/timeline',
  summary: "A payment's story in plain words (by payment id, or by rental id): payment, refunds, disputes",
  request: { params: paymentOrRentalId },
  responses: {
    200: { description: 'What happened, in order', ...jsonContent(TimelineSchema) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'payment_not_found']),
  },
})

const printablePage = lazySchema(() =>
  z.string().openapi({ description: 'A printable page, no external assets' }),
)

const documentContent = <T extends z.ZodType>(schema: () => T) => ({
  content: {
    'text/html': {
      get schema() {
        return printablePage()
      },
    },
    'application/json': jsonContent(schema).content['application/json'],
  },
})

export const receipt = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}/receipt',
  summary:
    "A completed payment's receipt (by payment id, or by rental id): HTML, or JSON with Accept: application/json",
  request: { params: paymentOrRentalId, query: DocumentQuery },
  responses: {
    200: { description: 'The receipt', ...documentContent(ReceiptSchema) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'payment_not_found', 'receipt_not_found']),
  },
})

export const creditNote = createRoute({
  tags: ['payments'],
  security,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}/credit-note',
  summary: "A succeeded refund's credit note: HTML, or JSON with Accept: application/json",
  request: { params: idParam('ref'), query: DocumentQuery },
  responses: {
    200: { description: 'The credit note', ...documentContent(CreditNoteSchema) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'refund_not_found', 'credit_note_not_found']),
  },
})

export const list = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/',
  summary: 'My payments as renter and/or owner, newest first',
  request: { query: PaymentListQuery },
  responses: {
    200: { description: 'A page of payments', ...jsonContent(PaymentPage) },
    ...problemResponses(SIGNED_IN, ['validation_failed']),
  },
})

export const getOne = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}',
  summary: "A rental's payment (by rental id, or by payment id), with its refunds",
  request: { params: paymentOrRentalId },
  responses: {
    200: { description: 'The payment', ...jsonContent(PaymentWithRefunds) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'payment_not_found']),
  },
})

export const refund = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{payment_id}/refund',
  summary: 'Refund all or part of a completed payment (listing owner or admin)',
  request: { params: idParam('pay', 'payment_id'), body: { ...jsonBody(RefundBody), required: false } },
  responses: {
    200: { description: 'The refund and the payment after it', ...jsonContent(RefundResponse) },
    ...problemResponses(SIGNED_IN, JSON_BODY, STRIPE, [
      'payment_not_found',
      'not_owner',
      'payment_not_refundable',
      'refund_exceeds_remaining',
      'refund_in_progress',
      'amount_too_small',
    ]),
  },
})

export type InitiateRoute = typeof initiate
export type ConfirmRoute = typeof confirm
export type ListRoute = typeof list
export type GetOneRoute = typeof getOne
export type RefundRoute = typeof refund
export type TimelineRoute = typeof timeline
export type ReceiptRoute = typeof receipt
export type CreditNoteRoute = typeof creditNote
