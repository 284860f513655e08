import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { stripeEmulator } from '../helpers/stripe-emulator'
import { stripeClient } from './client'

describe('authentication', () => {
  it('reaches the emulator at Stripe’s own URL with any sk_test_ key', async () => {
    const intent = await stripeClient({ key: 'sk_test_anything_at_all' }).paymentIntents.create({
      amount: 500,
      currency: 'usd',
    })
    expect(intent.lastResponse.requestId).toMatch(/^req_/)
    const raw = await stripeEmulator.fetch(`https://api.stripe.com/v1/payment_intents/${intent.id}`, {
      headers: { authorization: 'Bearer sk_test_anything_at_all' },
    })
    expect(raw.status).toBe(200)
  })

  it.each([['not_a_key'], ['pk_test_publishable'], ['sk_live_must_never_reach_the_emulator']])(
    'rejects %s with 401 like Stripe',
    async (key) => {
      const create = stripeClient({ key }).paymentIntents.create({ amount: 500, currency: 'usd' })
      await expect(create).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
      await expect(stripeClient({ key }).paymentIntents.list()).rejects.toMatchObject({
        statusCode: 401,
        message: expect.stringMatching(/^Invalid API Key provided: /),
      })
    },
  )

  it('rejects a request without a key', async () => {
    const response = await stripeEmulator.fetch('https://api.stripe.com/v1/payment_intents')
    expect(response.status).toBe(401)
    const body = (await response.json()) as { error: { type: string; message: string } }
    expect(body.error.message).toMatch(/^You did not provide an API key/)
  })

  it('answers 404 for an unknown path', async () => {
    const response = await stripeEmulator.fetch('https://api.stripe.com/v1/teleporters', {
      headers: { authorization: 'Bearer sk_test_x' },
    })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } })
  })

  it('answers hostile input with a 4xx, never a 500, and keeps no trace of it', async () => {
    const key = { authorization: 'Bearer sk_test_x' }
    const status = async (url: string, init?: RequestInit) => (await stripeEmulator.fetch(url, init)).status
    expect(
      await status('https://api.stripe.com/v1/payment_intents', { headers: { authorization: 'Basic %%%' } }),
    ).toBe(401)
    expect(await status('https://api.stripe.com/v1/payment_intents/%E0', { headers: key })).toBe(404)
    expect(await status('https://api.stripe.com/v1/events?__proto__[expand]=x', { headers: key })).toBe(400)
    expect(await status('https://api.stripe.com/v1/events', { headers: key })).toBe(200)
    // Only __proto__ is refused: other names of Object.prototype are ordinary metadata keys.
    const withMetadata = await stripeEmulator.fetch('https://api.stripe.com/v1/payment_intents', {
      method: 'POST',
      headers: { ...key, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount=500&currency=usd&metadata[constructor]=a&metadata[prototype]=b',
    })
    expect(withMetadata.status).toBe(200)
    expect(((await withMetadata.json()) as { metadata: object }).metadata).toEqual({
      constructor: 'a',
      prototype: 'b',
    })
    const control = (body: string) =>
      status('https://stripe-emulator/_emulator/faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
    for (const body of [
      'null',
      '"x"',
      '[1]',
      '{"kind":"error_500","method":1}',
      '{"kind":"hang","hang_ms":"9"}',
    ])
      expect({ body, status: await control(body) }).toEqual({ body, status: 400 })
    expect(
      await status('https://stripe-emulator/_emulator/payment_intents/%E0/authenticate', { method: 'POST' }),
    ).toBe(404)
  })
})
