import Stripe from 'stripe'
import { expect } from 'vitest'
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

/** A merchant-initiated payment with a saved card: the renter is not there. */
export const offSession = (
  customer: string,
  paymentMethod: string,
  extra: Partial<Stripe.PaymentIntentCreateParams> = {},
  options: Stripe.RequestOptions = {},
) =>
  stripe.paymentIntents.create(
    {
      amount: 30_000,
      currency: 'usd',
      customer,
      payment_method: paymentMethod,
      off_session: true,
      confirm: true,
      ...extra,
    },
    options,
  )

/** A customer with a card saved for off-session payments, as a checkout with `setup_future_usage` leaves it. */
export async function customerWithSavedCard(token = 'pm_card_visa', email = 'renter@example.com') {
  const customer = await stripe.customers.create({ email })
  const intent = await paidIntent(token, { customer: customer.id, setup_future_usage: 'off_session' })
  return { customer, intent, paymentMethod: intent.payment_method as string }
}

/** The Stripe error a request is refused with; the test fails if the request went through. */
export async function refusal(attempt: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await attempt.then(
    () => expect.unreachable('the request went through'),
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(Stripe.errors.StripeError)
  return error as Stripe.errors.StripeError
}

/** The types of the events recorded so far, oldest first. */
export const eventTypes = async () =>
  (await stripe.events.list({ limit: 100 })).data.map((event) => event.type).reverse()

/** Stands in for the customer in 3-D Secure on a SetupIntent (`POST /_emulator/setup_intents/:id/authenticate`). */
export async function authenticateSetup(setupIntentId: string, outcome: 'succeed' | 'fail') {
  const response = await stripeEmulator.fetch(
    `https://stripe-emulator/_emulator/setup_intents/${setupIntentId}/authenticate`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome }),
    },
  )
  const json = await response.json()
  if (!response.ok) throw new Error(`emulator authenticate: ${response.status} ${JSON.stringify(json)}`)
  return json as Stripe.SetupIntent
}
