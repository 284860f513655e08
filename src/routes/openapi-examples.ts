/**
 * Example values for the OpenAPI document, by field name: one realistic story (a Strat booked for three days
 * at $25.00, 10% platform fee) instead of "string" and 0 in the reference. Applied when the document is built
 * (src/routes/openapi-document.ts), to every property that has no example, enum or const of its own, so the
 * schemas stay lean. test/cross-cutting/openapi.test.ts fails when a field of a request or a success answer has none.
 */
const FIELD_EXAMPLES: Record<string, unknown> = {
  // people and sign-in
  token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfUmVteVJlbnRlcjAwMDAwMDAwMSJ9.c2lnbmF0dXJl',
  email: 'renter@example.com',
  password: 'correct horse battery staple',
  name: 'Remy Renter',
  // ids
  rental_id: 'rnt_8fK2mQ4xT9bW1nZc7Lp3',
  renter_id: 'usr_Rq5Tz1Vb8Nk3Wm2Xc6Hd',
  owner_id: 'usr_Oa7Lp2Ks9Dq4Fj1Gh5Mn',
  created_by: 'usr_Oa7Lp2Ks9Dq4Fj1Gh5Mn',
  listing_id: 'lst_3Jd8Wq1Zr6Tn5Vb2Kx9P',
  instrument_id: 'ins_5Hs2Lq8Vn1Xd4Cr7Bm3W',
  payment_id: 'pay_4fJx0aQ2mTn8LzR1vWc3',
  refund_id: 'ref_7Ty3Nc9Qp2Wd5Lm8Kx1B',
  deposit_id: 'dep_9Kq2Lm4Xt7Bw1Nz5Cp8R',
  stripe_payment_intent_id: 'pi_3QxTm2LkdRt7Yb1a0fW9cZpE',
  payment_intent_id: 'pi_3QxTm2LkdRt7Yb1a0fW9cZpE',
  stripe_charge_id: 'ch_3QxTm2LkdRt7Yb1a0Hk4sLq2',
  stripe_refund_id: 're_3QxTm2LkdRt7Yb1a0Pz8Vw1M',
  client_secret: 'pi_3QxTm2LkdRt7Yb1a0fW9cZpE_secret_Vb7nQ2LxKd9',
  stripe_public_key: 'pk_test_51QxTm2LkdRt7Yb1a',
  next_cursor: 'eyJ0IjoiMjAyNi0xMi0wMVQxMDoxNTowMC4wMDBaIiwiaSI6InBheV80Zkp4MGFRMm1UbjhMelIxdldjMyJ9',
  receipt_number: 'R-000042',
  payout_id: 'pyo_6Gt2Lm8Qa1Zx5Wc9Rb3N',
  damage_claim_id: null,
  account_id: 'acct_1QxTm2LkdRt7Yb1a',
  stripe_transfer_id: 'tr_3QxTm2LkdRt7Yb1a0Jm5Tq8W',
  requirements_due: ['external_account', 'tos_acceptance.date'],
  // money, in minor units of `currency`
  amount: 7500,
  daily_rate: 2500,
  total: 7500,
  platform_fee: 750,
  platform_fees: 750,
  owner_payout_amount: 6750,
  amount_refunded: 0,
  refund_due: 7500,
  deposit_amount: 10000,
  revenue: 7500,
  gross_volume: 7500,
  refunds: 0,
  refunded: 0,
  net: 6750,
  // owner payouts and earnings (the same story: $67.50 released to the owner)
  gross: 7500,
  disputed: 0,
  released: 6750,
  reversed: 0,
  scheduled: 0,
  unsettled: 0,
  amount_reversed: 0,
  // counts and shares
  days: 3,
  nights: 3,
  nights_booked: 3,
  days_in_window: 31,
  bookings: 1,
  payments: 1,
  paid: 1,
  attempt: 1,
  refund_percent: 100,
  occupancy: 0.097,
  refund_rate: 0.05,
  dispute_rate: 0,
  payment_failure_rate: 0.02,
  // times and dates (UTC)
  created_at: '2026-12-01T10:15:00.000Z',
  updated_at: '2026-12-01T10:18:00.000Z',
  completed_at: '2026-12-01T10:18:00.000Z',
  refunded_at: null,
  cancelled_at: null,
  hold_expires_at: '2026-12-01T10:45:00.000Z',
  issued_at: '2026-12-01T10:18:00.000Z',
  quoted_at: '2026-12-10T09:00:00.000Z',
  valid_until: '2026-12-23T00:00:00.000Z',
  starts_at: '2026-12-24T00:00:00.000Z',
  scheduled_for: '2026-12-24T00:00:00.000Z',
  released_at: '2026-12-24T00:05:00.000Z',
  expires_at: '2026-12-01T10:20:00.000Z',
  date: '2026-12-01T10:18:00.000Z',
  hold_due_at: '2026-12-23T00:00:00.000Z',
  claim_window_ends_at: '2026-12-29T00:00:00.000Z',
  respond_by: '2026-12-31T09:30:00.000Z',
  at: '2026-12-01T10:18:00.000Z',
  from: '2026-12-01',
  to: '2027-01-01',
  // words
  title: 'Sunburst Strat, fresh setup',
  description: 'American Professional II, 9-46 strings, gig bag included',
  brand: 'Fender',
  model: 'American Professional II',
  location: 'Berlin, Kreuzberg',
  time_zone: 'Europe/Berlin',
  locale: 'en-US',
  reason: 'requested_by_customer',
  cancel_reason: null,
  failure_code: null,
  failure_message: null,
  failure_reason: null,
  payment_intent_status: 'succeeded',
  url: 'https://connect.stripe.com/setup/e/acct_1QxTm2LkdRt7Yb1a/Vb7nQ2LxKd9',
  return_url: 'https://example.com/owner/payouts/done',
  refresh_url: 'https://example.com/owner/payouts/again',
  evidence_urls: ['https://photos.example/strat-neck-crack.jpg'],
}

type Schema = Record<string, any>

/** Fills in examples by field name through the document's schemas (components and inline), in place. */
export function withExamples<D extends object>(document: D): D {
  const seen = new Set<Schema>()
  const visit = (schema: unknown) => {
    if (!schema || typeof schema !== 'object' || seen.has(schema as Schema)) return
    seen.add(schema as Schema)
    const node = schema as Schema
    for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
      const documented = 'example' in property || 'examples' in property || 'enum' in property
      if (!documented && !('const' in property) && name in FIELD_EXAMPLES) {
        property.example = FIELD_EXAMPLES[name]
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit)
      else visit(value)
    }
  }
  visit(document)
  return document
}
