import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { advanceClock, resetEmulator } from '../helpers/stripe-emulator'
import { stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

/** The SDK exposes the fetch Response it got as `lastResponse`. */
const header = (result: { lastResponse: unknown }, name: string) =>
  (result.lastResponse as Response).headers.get(name)

const params = { amount: 1_000, currency: 'usd', metadata: { rental_id: 'rnt_1' } }

describe('Idempotency-Key', () => {
  it('replays the first response with Idempotent-Replayed: true and creates nothing new', async () => {
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'key-1' })
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: 'key-1' })
    expect(again.id).toBe(first.id)
    expect(header(first, 'idempotent-replayed')).toBeNull()
    expect(header(again, 'idempotent-replayed')).toBe('true')
    expect(header(again, 'idempotency-key')).toBe('key-1')
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1)
    expect((await stripe.events.list()).data).toHaveLength(1)
  })

  it('takes keys of up to 255 characters, as Stripe does, and refuses longer ones', async () => {
    const longest = 'k'.repeat(255)
    const intent = await stripe.paymentIntents.create(params, { idempotencyKey: longest })
    expect(header(intent, 'idempotency-key')).toBe(longest)
    await expect(
      stripe.paymentIntents.create(params, { idempotencyKey: `${longest}x` }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: 'The idempotency key provided is too long.',
    })
  })

  it('answers idempotency_error when the key is reused with other parameters', async () => {
    await stripe.paymentIntents.create(params, { idempotencyKey: 'key-2' })
    const reuse = stripe.paymentIntents.create({ ...params, amount: 2_000 }, { idempotencyKey: 'key-2' })
    await expect(reuse).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    await expect(
      stripe.paymentIntents.create({ ...params, amount: 2_000 }, { idempotencyKey: 'key-2' }),
    ).rejects.toMatchObject({ statusCode: 400, rawType: 'idempotency_error' })
  })

  it('replays a card decline, but not a validation error', async () => {
    const declined = {
      amount: 1_000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    }
    const first = await stripe.paymentIntents
      .create(declined, { idempotencyKey: 'key-3' })
      .catch((error: unknown) => error)
    const second = await stripe.paymentIntents
      .create(declined, { idempotencyKey: 'key-3' })
      .catch((error: unknown) => error)
    expect(second).toMatchObject({
      decline_code: 'generic_decline',
      headers: { 'idempotent-replayed': 'true' },
    })
    expect((second as Stripe.errors.StripeCardError).payment_intent?.id).toBe(
      (first as Stripe.errors.StripeCardError).payment_intent?.id,
    )
    const invalid = { amount: 1, currency: 'usd' }
    await expect(stripe.paymentIntents.create(invalid, { idempotencyKey: 'key-4' })).rejects.toMatchObject({
      code: 'amount_too_small',
    })
    const fixed = await stripe.paymentIntents.create({ ...invalid, amount: 100 }, { idempotencyKey: 'key-4' })
    expect(fixed.amount).toBe(100)
  })

  it('forgets keys after 24 hours', async () => {
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'key-5' })
    await advanceClock(24 * 3600 + 1)
    const later = await stripe.paymentIntents.create(
      { ...params, amount: 3_000 },
      { idempotencyKey: 'key-5' },
    )
    expect(later.id).not.toBe(first.id)
  })
})
