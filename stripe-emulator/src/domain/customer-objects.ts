import type Stripe from 'stripe'
import { newId, randomToken } from '../lib/ids'
import { fingerprintOf, type TestCard } from './payment-methods'

/** Stripe's customer ids: `cus_` and 14 characters (`cus_QXg1o8vcGmoR32`). */
const newCustomerId = () => `cus_${randomToken(14)}`

/** A deleted customer as Stripe keeps answering it (`GET /v1/customers/:id`), with the emulator's `created`. */
export type DeletedCustomer = Stripe.DeletedCustomer & { created: number }

export interface CustomerDraft {
  email: string | null
  name: string | null
  description: string | null
  phone: string | null
  address: Stripe.Address | null
  metadata: Record<string, string>
  preferred_locales: string[]
}

/** Shaped as openapi/fixtures3.json's `customer` (no discount, no tax or cash balance: not modelled). */
export function newCustomer(draft: CustomerDraft, created: number): Stripe.Customer {
  return {
    id: newCustomerId(),
    object: 'customer',
    address: draft.address,
    balance: 0,
    created,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: draft.description,
    discount: null,
    email: draft.email,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: draft.metadata,
    name: draft.name,
    next_invoice_sequence: 1,
    phone: draft.phone,
    preferred_locales: draft.preferred_locales,
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  } satisfies Stripe.Customer
}

const EMPTY_ADDRESS = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }

/** Card networks' own name for a brand (`display_brand`). */
const DISPLAY_BRAND: Record<TestCard['brand'], string> = {
  amex: 'american_express',
  mastercard: 'mastercard',
  visa: 'visa',
}

/** The card a test token stands for, shaped as openapi/fixtures3.json's `payment_method`. */
export function newPaymentMethod(card: TestCard, created: number): Stripe.PaymentMethod {
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: EMPTY_ADDRESS, email: null, name: null, phone: null, tax_id: null },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: DISPLAY_BRAND[card.brand],
      exp_month: 12,
      exp_year: 2034,
      fingerprint: fingerprintOf(card),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  } satisfies Stripe.PaymentMethod
}
