import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  advanceClock,
  configureEmulator,
  deliverPendingWebhooks,
  injectFault,
  markWebhook,
  pendingWebhooks,
  pushWebhooks,
  resendWebhook,
  resetEmulator,
  webhookDeliveries,
} from '../helpers/stripe-emulator'
import { paidIntent, stripe } from './client'

const SECRET = 'whsec_test_backline_emulator'

beforeEach(async () => {
  await resetEmulator()
})

const verify = (delivery: { payload: string; signature: string }) =>
  stripe.webhooks.constructEventAsync(delivery.payload, delivery.signature, SECRET)

describe('webhook outbox (pull)', () => {
  it('lists pending deliveries oldest first, signed so that constructEventAsync accepts them', async () => {
    const intent = await paidIntent()
    const pending = await pendingWebhooks()
    expect(pending.map((delivery) => delivery.event_type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ])
    const events = await Promise.all(pending.map(verify))
    expect(events[2]).toMatchObject({ type: 'payment_intent.succeeded', data: { object: { id: intent.id } } })
    await expect(
      stripe.webhooks.constructEventAsync(pending[0]!.payload, pending[0]!.signature, 'whsec_other'),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError)
  })

  it('marks results, retries failures with backoff, and re-sends on request', async () => {
    await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const [delivery] = await pendingWebhooks()
    const failed = await markWebhook(delivery!.id, false, 500)
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_http_status: 500 })
    const retried = await markWebhook(delivery!.id, false, 503)
    expect(retried.next_attempt_at! - failed.next_attempt_at!).toBeGreaterThanOrEqual(10)
    expect(await markWebhook(delivery!.id, true, 200)).toMatchObject({ status: 'delivered', attempts: 3 })
    expect(await pendingWebhooks()).toEqual([])
    expect(await resendWebhook(delivery!.id)).toMatchObject({ status: 'pending' })
    expect(await pendingWebhooks()).toHaveLength(1)
  })

  it('delivers every pending event through a caller’s function', async () => {
    await paidIntent()
    const received: string[] = []
    await deliverPendingWebhooks(async (payload, signature) => {
      received.push((await verify({ payload, signature })).type)
      return new Response('ok')
    })
    expect(received).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded'])
    expect(await webhookDeliveries('delivered')).toHaveLength(3)
  })
})

describe('webhook faults', () => {
  it('drops the next N events', async () => {
    await injectFault({ kind: 'webhook_drop', count: 1 })
    await paidIntent()
    expect((await pendingWebhooks()).map((d) => d.event_type)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
    ])
    expect(await webhookDeliveries('dropped')).toHaveLength(1)
  })

  it('duplicates the next N events', async () => {
    await injectFault({ kind: 'webhook_duplicate', count: 1 })
    await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const pending = await pendingWebhooks()
    expect(pending).toHaveLength(2)
    expect(pending[0]!.event_id).toBe(pending[1]!.event_id)
  })

  it('reorders the next N events (held until all N exist, then newest first)', async () => {
    await injectFault({ kind: 'webhook_reorder', count: 3 })
    await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    expect(await pendingWebhooks()).toEqual([])
    await paidIntent()
    expect((await pendingWebhooks()).map((d) => d.event_type)).toEqual([
      'charge.succeeded',
      'payment_intent.created',
      'payment_intent.created',
      'payment_intent.succeeded',
    ])
  })
})

describe('webhook push delivery', () => {
  it('retries a failing endpoint with backoff until it answers 2xx', async () => {
    await configureEmulator({ webhook_url: 'https://sink.test/status/500', auto_deliver: false })
    await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const [first] = await pushWebhooks()
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_http_status: 500 })
    expect(await pushWebhooks()).toEqual([])
    await advanceClock(10)
    const [second] = await pushWebhooks()
    expect(second).toMatchObject({ attempts: 2, last_http_status: 500 })
    expect(second!.next_attempt_at! - first!.next_attempt_at!).toBeGreaterThanOrEqual(20)
    await configureEmulator({ webhook_url: 'https://sink.test/status/200' })
    await advanceClock(20)
    expect(await pushWebhooks()).toMatchObject([{ status: 'delivered', attempts: 3, last_http_status: 200 }])
  })

  it('pushes on its own (alarm) when auto delivery is on', async () => {
    await configureEmulator({ webhook_url: 'https://sink.test/status/200', auto_deliver: true })
    await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    await expect.poll(async () => (await webhookDeliveries('delivered')).length, { timeout: 5_000 }).toBe(1)
    await configureEmulator({ webhook_url: null })
  })
})
