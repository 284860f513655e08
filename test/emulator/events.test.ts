import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { advanceClock, resetEmulator } from '../helpers/stripe-emulator'
import { paidIntent, stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

describe('GET /v1/events', () => {
  it('records Stripe’s event types for a payment, newest first, with the object as it was', async () => {
    const intent = await paidIntent('pm_card_visa', { metadata: { rental_id: 'rnt_9' } })
    const events = await stripe.events.list()
    expect(events.data.map((event) => event.type)).toEqual([
      'payment_intent.succeeded',
      'charge.succeeded',
      'payment_intent.created',
    ])
    const [succeeded, , created] = events.data as [Stripe.Event, Stripe.Event, Stripe.Event]
    expect(succeeded).toMatchObject({
      object: 'event',
      api_version: expect.any(String),
      livemode: false,
      pending_webhooks: 1,
      request: { id: expect.stringMatching(/^req_/), idempotency_key: expect.any(String) },
      data: { object: { id: intent.id, status: 'succeeded', metadata: { rental_id: 'rnt_9' } } },
    })
    expect(created.data.object).toMatchObject({ id: intent.id, status: 'requires_confirmation' })
  })

  it('filters by type, by wildcard, by types[] and by created', async () => {
    await paidIntent()
    await advanceClock(60)
    const { now } = await advanceClock(0)
    await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    expect((await stripe.events.list({ type: 'charge.succeeded' })).data).toHaveLength(1)
    expect((await stripe.events.list({ type: 'payment_intent.*' })).data).toHaveLength(3)
    const types = await stripe.events.list({ types: ['charge.succeeded', 'payment_intent.succeeded'] })
    expect(types.data).toHaveLength(2)
    const recent = await stripe.events.list({ created: { gte: now } })
    expect(recent.data.map((event) => event.type)).toEqual(['payment_intent.created'])
  })

  it('pages with limit and starting_after, and retrieves one event', async () => {
    await paidIntent()
    const page = await stripe.events.list({ limit: 2 })
    expect(page.has_more).toBe(true)
    const rest = await stripe.events.list({ limit: 2, starting_after: page.data[1]?.id })
    expect(rest).toMatchObject({ has_more: false, data: [{ type: 'payment_intent.created' }] })
    const one = await stripe.events.retrieve(rest.data[0]?.id as string)
    expect(one.type).toBe('payment_intent.created')
    await expect(stripe.events.retrieve('evt_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    })
  })

  it('names the idempotency key of the request that caused an event', async () => {
    await stripe.paymentIntents.create(
      { amount: 1_000, currency: 'usd' },
      { idempotencyKey: 'rental-42-initiate' },
    )
    const [event] = (await stripe.events.list()).data
    expect(event?.request).toMatchObject({ idempotency_key: 'rental-42-initiate' })
  })
})
