import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { clearFaults, injectFault, resetEmulator } from '../helpers/stripe-emulator'
import { stripe, stripeClient } from './client'

beforeEach(async () => {
  await resetEmulator()
})

const create = (client = stripe) => client.paymentIntents.create({ amount: 1_000, currency: 'usd' })

describe('request faults', () => {
  it('error_500: answers api_error; the SDK’s own retry then succeeds', async () => {
    await injectFault({ kind: 'error_500', count: 1 })
    await expect(create()).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 500,
      rawType: 'api_error',
    })
    await injectFault({ kind: 'error_500', count: 1 })
    const retried = await create(stripeClient({ maxNetworkRetries: 1 }))
    expect(retried.status).toBe('requires_payment_method')
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1)
  })

  it('error_500 with after: the request is carried out, and a retry with the key replays it', async () => {
    await injectFault({ kind: 'error_500', after: true })
    const lost = create().catch((error: unknown) => error)
    expect(await lost).toBeInstanceOf(Stripe.errors.StripeAPIError)
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1)
    await injectFault({ kind: 'error_500', after: true })
    const key = { idempotencyKey: 'retry-me' }
    await expect(stripe.paymentIntents.create({ amount: 700, currency: 'usd' }, key)).rejects.toBeInstanceOf(
      Stripe.errors.StripeAPIError,
    )
    const replayed = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' }, key)
    expect(replayed.amount).toBe(700)
    expect((await stripe.paymentIntents.list()).data).toHaveLength(2)
  })

  it('rate_limit_429: StripeRateLimitError, filtered by method and path prefix', async () => {
    await injectFault({ kind: 'rate_limit_429', count: 2, method: 'POST', path_prefix: '/v1/refunds' })
    const intent = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    })
    await expect(stripe.refunds.create({ payment_intent: intent.id })).rejects.toBeInstanceOf(
      Stripe.errors.StripeRateLimitError,
    )
    await expect(stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({
      statusCode: 429,
      code: 'rate_limit',
    })
    expect((await stripe.refunds.create({ payment_intent: intent.id })).status).toBe('succeeded')
  })

  it('hang: the response is held back past the client timeout', async () => {
    await injectFault({ kind: 'hang', hang_ms: 1_500 })
    const impatient = stripeClient({ timeout: 200 })
    await expect(create(impatient)).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError)
  })

  it('lists and clears faults', async () => {
    await injectFault({ kind: 'error_500', count: 5 })
    await clearFaults()
    expect((await create()).object).toBe('payment_intent')
  })
})
