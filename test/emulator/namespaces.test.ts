import { env } from 'cloudflare:test'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { NAMESPACE_HEADER } from '../../stripe-emulator/src/lib/namespace'

const shared = (env as unknown as { STRIPE_EMULATOR: Fetcher }).STRIPE_EMULATOR

/** A real SDK client on one emulated account (namespace), or the default one when undefined. */
const clientOf = (namespace: string | undefined) =>
  new Stripe('sk_test_emulator_namespaces', {
    httpClient: Stripe.createFetchHttpClient((url, init) => {
      const request = new Request(url as string, init as RequestInit)
      if (namespace !== undefined) request.headers.set(NAMESPACE_HEADER, namespace)
      return shared.fetch(request)
    }),
    maxNetworkRetries: 0,
  })

describe('emulator accounts (X-Emulator-Namespace)', () => {
  it('keeps each namespace apart: an object of one is unknown to another', async () => {
    const [a, b] = [clientOf(`ns-a-${crypto.randomUUID()}`), clientOf(`ns-b-${crypto.randomUUID()}`)]
    const intent = await a.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    expect((await a.paymentIntents.retrieve(intent.id)).id).toBe(intent.id)
    await expect(b.paymentIntents.retrieve(intent.id)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
    expect((await b.paymentIntents.list({ limit: 100 })).data.map((found) => found.id)).not.toContain(
      intent.id,
    )
  })

  it('refuses a malformed namespace with a Stripe error, and uses the shared account without one', async () => {
    await expect(clientOf('not a namespace!').paymentIntents.list()).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
    })
    const intent = await clientOf(undefined).paymentIntents.create({ amount: 500, currency: 'usd' })
    expect((await clientOf('stripe').paymentIntents.retrieve(intent.id)).id).toBe(intent.id)
  })
})
