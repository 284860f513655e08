import Stripe from 'stripe'
import { stripeEmulator } from '../helpers/stripe-emulator'

export const TEST_KEY = 'sk_test_emulator_conformance'

/** The same construction the API uses: the real SDK, its fetch client routed to the emulator's binding. */
export function stripeClient(options: { key?: string; maxNetworkRetries?: number; timeout?: number } = {}) {
  return new Stripe(options.key ?? TEST_KEY, {
    httpClient: Stripe.createFetchHttpClient((url, init) =>
      stripeEmulator.fetch(url as string, init as RequestInit),
    ),
    maxNetworkRetries: options.maxNetworkRetries ?? 0,
    timeout: options.timeout ?? 5_000,
  })
}

export const stripe = stripeClient()

export async function paidIntent(
  paymentMethod = 'pm_card_visa',
  extra: Partial<Stripe.PaymentIntentCreateParams> = {},
) {
  return stripe.paymentIntents.create({
    amount: 2_000,
    currency: 'usd',
    payment_method: paymentMethod,
    confirm: true,
    ...extra,
  })
}
