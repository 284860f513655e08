import * as z from '../../lib/zod'
import { depositStatuses } from '../../domain/state-machines'
import { jsonSchema } from '../../adapters/d1/json-columns'
import { paymentStatuses, refundStatuses } from '../../adapters/d1/schema'
import { paymentColumns, refundColumns } from '../../use-cases/payments/payment-json'
import { Currency, PaginationQuery, pageOf, lazySchema } from '../schemas'
import { STRIPE_REFUND_REASONS } from '../../use-cases/payments/refunds'
import { MAX_CHARGE_AMOUNT } from '../../domain/money'

export const RefundSchema = lazySchema(() =>
  jsonSchema(refundColumns, {
    id: (field) => field.openapi({ example: 'ref_8Jd2kQ9wLm3nB5vX1zC4' }),
    currency: () => Currency,
  }).openapi('Refund'),
)

export const PaymentSchema = lazySchema(() =>
  jsonSchema(paymentColumns, {
    id: (field) => field.openapi({ example: 'pay_3Hk9sLw2Qp7mZx4Rt8Vb' }),
    amount: (field) => field.openapi({ description: 'Minor units, computed by the server from the rental' }),
    currency: () => Currency,
    platform_fee: (field) =>
      field.openapi({ description: 'round_half_up(amount × PLATFORM_FEE_PERCENT / 100)' }),
    owner_payout_amount: (field) => field.openapi({ description: 'amount − platform_fee' }),
  }).openapi('Payment'),
)

export const PaymentWithRefunds = lazySchema(() =>
  PaymentSchema()
    .extend({ refunds: z.array(RefundSchema()) })
    .openapi('PaymentWithRefunds'),
)

export const ConfirmPending = lazySchema(() =>
  PaymentSchema()
    .extend({
      payment_intent_status: z
        .string()
        .openapi({ description: 'Stripe status, e.g. processing or requires_action' }),
    })
    .openapi('PaymentInProgress'),
)

export const InitiateResponse = lazySchema(() =>
  z
    .object({
      payment_id: z.string(),
      client_secret: z
        .string()
        .openapi({ description: 'Pass to Stripe.js (Payment Element) to collect the card' }),
      payment_intent_id: z.string(),
      amount: z.number().int(),
      currency: Currency,
      stripe_public_key: z.string(),
      status: z.enum(paymentStatuses),
    })
    .openapi('PaymentInitiated'),
)

export const ConfirmBody = z
  .object({
    stripe_payment_intent_id: z
      .string()
      .regex(/^pi_[A-Za-z0-9]{1,255}$/, 'Must be a PaymentIntent id (pi_…)'),
  })
  .openapi('ConfirmPaymentRequest')

export const RefundBody = z
  .object({
    amount: z
      .number()
      .int('Must be an integer amount in minor units')
      .positive('Must be greater than zero')
      .max(MAX_CHARGE_AMOUNT)
      .optional()
      .openapi({ description: 'Minor units; defaults to everything not yet refunded' }),
    reason: z.enum(STRIPE_REFUND_REASONS).optional(),
  })
  .openapi('RefundRequest')

export const RefundResponse = lazySchema(() =>
  z.object({ payment: PaymentSchema(), refund: RefundSchema() }).openapi('RefundResult'),
)

export const PaymentPage = pageOf(PaymentSchema, 'PaymentPage')

export const PaymentListQuery = PaginationQuery.extend({
  role: z
    .enum(['renter', 'owner'])
    .optional()
    .openapi({ description: 'As renter, or as owner; both when omitted' }),
  status: z.enum(paymentStatuses).optional(),
})

export const TimelineSchema = lazySchema(() =>
  z
    .object({
      payment_id: z.string(),
      rental_id: z.string(),
      status: z.enum(paymentStatuses),
      entries: z.array(
        z.object({
          at: z.string(),
          event: z.string().openapi({ example: 'refund_succeeded' }),
          text: z.string().openapi({ example: 'Refund of $25.00 succeeded' }),
          refund_id: z.string().optional(),
          payout_id: z.string().optional().openapi({
            description:
              "The owner's payout an entry is about (payout_*): shown to the owner and admins only",
          }),
        }),
      ),
    })
    .openapi('PaymentTimeline'),
)

export const DocumentQuery = z.object({
  locale: z
    .string()
    .max(35)
    .refine((locale) => {
      try {
        return Intl.NumberFormat.supportedLocalesOf([locale]).length > 0
      } catch {
        return false
      }
    }, 'Must be a BCP 47 locale, e.g. en-US or de-DE')
    .default('en-US')
    .openapi({ description: 'How money is written (Intl); the JSON also carries integer minor units' }),
})

const formatted = z.record(z.string(), z.string())

export const ReceiptSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('receipt'),
      number: z.string().openapi({ example: 'R-000042', description: 'From one gapless sequence' }),
      issued_at: z.string(),
      payment_id: z.string(),
      rental_id: z.string(),
      currency: Currency,
      locale: z.string(),
      line: z.object({
        description: z.string(),
        daily_rate: z.number().int(),
        days: z.number().int(),
        amount: z.number().int(),
        text: z.string().openapi({ example: '3 × $25.00 = $75.00' }),
      }),
      total: z.number().int(),
      platform_fee: z.number().int(),
      owner_payout_amount: z.number().int(),
      deposit_amount: z.number().int(),
      deposit_status: z.enum(['not_required', ...depositStatuses]).openapi({
        description:
          "The rental's security deposit now (GET /api/rentals/{id}/deposit): held, never charged, unless a claim captured some",
      }),
      deposit_captured_amount: z
        .number()
        .int()
        .openapi({ description: 'Taken from the deposit for a damage claim', example: 0 }),
      amount_refunded: z.number().int(),
      formatted,
    })
    .openapi('Receipt'),
)

export const CreditNoteSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('credit_note'),
      number: z.string().openapi({ example: 'C-000007', description: 'From one gapless sequence' }),
      issued_at: z.string(),
      refund_id: z.string(),
      payment_id: z.string(),
      receipt_number: z.string().nullable(),
      refund_status: z.enum(refundStatuses),
      reversed_by: z
        .object({
          number: z.string().openapi({ example: 'CR-000001', description: 'From its own gapless sequence' }),
          issued_at: z.string(),
        })
        .nullable()
        .openapi({
          description:
            'When the refund failed after it succeeded (the money did not reach the renter): the document that reverses this credit note, which itself is never changed',
        }),
      amount: z.number().int(),
      currency: Currency,
      locale: z.string(),
      formatted,
    })
    .openapi('CreditNote'),
)
