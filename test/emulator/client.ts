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

/** A customer with a card saved for off-session payments, as a checkout with `setup_future_usage` leaves it. */
export async function customerWithSavedCard(token = 'pm_card_visa', email = 'renter@example.com') {
  const customer = await stripe.customers.create({ email })
  const intent = await paidIntent(token, { customer: customer.id, setup_future_usage: 'off_session' })
  return { customer, intent, paymentMethod: intent.payment_method as string }
}

/** The types of the events recorded so far, oldest first. */
export const eventTypes = async () =>
  (await stripe.events.list({ limit: 100 })).data.map((event) => event.type).reverse()
