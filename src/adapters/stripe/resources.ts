// The Stripe API resources the app calls, and no others: `StripeClient` (client.ts) offers only these, so the
// type checker refuses a call to any other, and wrangler's builds bundle a Stripe SDK that builds only these
// (scripts/build-stripe.mjs, which reads this list; BENCHMARKS.md, Bundle size). A new Stripe call starts here,
// and at the emulator (stripe-emulator/).
export const STRIPE_RESOURCES = [
  'accountLinks',
  'accounts',
  'charges',
  'customers',
  'disputes',
  'events',
  'paymentIntents',
  'refunds',
  'transfers',
] as const

export type StripeResourceName = (typeof STRIPE_RESOURCES)[number]
