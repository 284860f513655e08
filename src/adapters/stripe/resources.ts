import type Stripe from 'stripe'

// The Stripe API methods the app calls, and no others: `StripeClient` (client.ts) offers only these, so the
// type checker refuses a call to any other, and wrangler's builds bundle a Stripe SDK that has only these
// (scripts/build-stripe.mjs, which reads this list as text: one `resource: ['method', …],` per line;
// BENCHMARKS.md, Bundle size). A new Stripe call starts here, and at the emulator (stripe-emulator/).
export const STRIPE_API = {
  accountLinks: ['create'],
  accounts: ['create', 'retrieve'],
  charges: ['retrieve'],
  customers: ['create', 'del'],
  disputes: ['retrieve'],
  events: ['list'],
  paymentIntents: ['cancel', 'capture', 'create', 'list', 'retrieve', 'update'],
  refunds: ['create', 'list', 'retrieve'],
  transfers: ['create', 'createReversal', 'list', 'listReversals', 'retrieve'],
} as const satisfies { readonly [R in keyof Stripe]?: readonly (keyof Stripe[R])[] }

export type StripeResourceName = keyof typeof STRIPE_API
