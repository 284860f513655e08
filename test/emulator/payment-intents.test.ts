import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { resetEmulator } from '../helpers/stripe-emulator'
import { stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

describe('POST /v1/payment_intents', () => {
  it('creates an intent with Stripe’s shape, nested metadata and a client secret', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 4_500,
      currency: 'EUR',
      metadata: { rental_id: 'rnt_1', renter: 'usr_2' },
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      transfer_data: { destination: 'acct_owner' },
      application_fee_amount: 450,
    })
    expect(intent).toMatchObject({
      object: 'payment_intent',
      amount: 4_500,
      currency: 'eur',
      status: 'requires_payment_method',
      capture_method: 'automatic_async',
      metadata: { rental_id: 'rnt_1', renter: 'usr_2' },
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      transfer_data: { destination: 'acct_owner' },
      application_fee_amount: 450,
      latest_charge: null,
      livemode: false,
    })
    expect(intent.id).toMatch(/^pi_\w{24}$/)
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_\\w+$`))
  })

  it('confirms on create with pm_card_visa: succeeded, with a charge', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 2_000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      expand: ['latest_charge'],
    })
    expect(intent.status).toBe('succeeded')
    expect(intent.amount_received).toBe(2_000)
    expect(intent.payment_method).toMatch(/^pm_\w{24}$/)
    const charge = intent.latest_charge as Stripe.Charge
    expect(charge).toMatchObject({
      object: 'charge',
      status: 'succeeded',
      paid: true,
      captured: true,
      amount_captured: 2_000,
    })
    expect(charge.payment_method_details?.card?.last4).toBe('4242')
  })

  it('rejects a missing amount, an unknown parameter and a tiny amount with invalid_request_error', async () => {
    const missing = stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams)
    await expect(missing).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'parameter_missing',
      param: 'amount',
    })
    const unknown = stripe.paymentIntents.create({
      amount: 100,
      currency: 'usd',
      colour: 'red',
    } as Stripe.PaymentIntentCreateParams)
    await expect(unknown).rejects.toMatchObject({
      statusCode: 400,
      param: 'colour',
      message: 'Received unknown parameter: colour',
    })
    const tiny = stripe.paymentIntents.create({ amount: 10, currency: 'usd' })
    await expect(tiny).rejects.toMatchObject({ code: 'amount_too_small', param: 'amount' })
  })

  it('refuses an application fee without a destination, as Stripe does', async () => {
    const create = stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      application_fee_amount: 100,
    })
    await expect(create).rejects.toMatchObject({ statusCode: 400, param: 'application_fee_amount' })
  })
})

describe('GET /v1/payment_intents/:id', () => {
  it('retrieves, and answers 404 resource_missing for an unknown id', async () => {
    const created = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    expect(await stripe.paymentIntents.retrieve(created.id)).toMatchObject({ id: created.id, amount: 1_000 })
    await expect(stripe.paymentIntents.retrieve('pi_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'intent',
      message: "No such payment_intent: 'pi_missing'",
    })
  })
})

describe('POST /v1/payment_intents/:id', () => {
  it('merges metadata, unsets with an empty string and updates the amount', async () => {
    const created = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      metadata: { a: '1', b: '2' },
    })
    const updated = await stripe.paymentIntents.update(created.id, {
      amount: 1_500,
      metadata: { b: '', c: '3' },
    })
    expect(updated).toMatchObject({ amount: 1_500, metadata: { a: '1', c: '3' } })
    expect(updated.metadata).not.toHaveProperty('b')
  })

  it('sets a payment method, then refuses an amount change once succeeded', async () => {
    const created = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const withMethod = await stripe.paymentIntents.update(created.id, { payment_method: 'pm_card_visa' })
    expect(withMethod.status).toBe('requires_confirmation')
    await stripe.paymentIntents.confirm(created.id)
    const update = stripe.paymentIntents.update(created.id, { amount: 2_000 })
    await expect(update).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' })
  })
})

describe('POST /v1/payment_intents/:id/confirm', () => {
  it('confirms with a payment method and refuses to confirm twice', async () => {
    const created = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const confirmed = await stripe.paymentIntents.confirm(created.id, {
      payment_method: 'pm_card_mastercard',
    })
    expect(confirmed).toMatchObject({ status: 'succeeded', amount_received: 1_000 })
    expect(confirmed.latest_charge).toMatch(/^ch_/)
    await expect(stripe.paymentIntents.confirm(created.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
      statusCode: 400,
    })
  })

  it('refuses a confirm without a payment method', async () => {
    const created = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    await expect(stripe.paymentIntents.confirm(created.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    })
  })

  it('needs return_url when redirect-based methods are allowed, as server-side confirms do', async () => {
    const created = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      automatic_payment_methods: { enabled: true },
    })
    const confirm = stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' })
    await expect(confirm).rejects.toMatchObject({ type: 'StripeInvalidRequestError' })
    const withUrl = await stripe.paymentIntents.confirm(created.id, {
      payment_method: 'pm_card_visa',
      return_url: 'https://backline.test/return',
    })
    expect(withUrl.status).toBe('succeeded')
  })

  it('rejects an unknown payment method', async () => {
    const created = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const confirm = stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_nope' })
    await expect(confirm).rejects.toMatchObject({ code: 'resource_missing', param: 'payment_method' })
  })
})

describe('capture and cancel', () => {
  it('holds a manual-capture payment, then captures part of it', async () => {
    const held = await stripe.paymentIntents.create({
      amount: 3_000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    })
    expect(held).toMatchObject({ status: 'requires_capture', amount_capturable: 3_000, amount_received: 0 })
    const tooMuch = stripe.paymentIntents.capture(held.id, { amount_to_capture: 5_000 })
    await expect(tooMuch).rejects.toMatchObject({ code: 'amount_too_large', param: 'amount_to_capture' })
    const captured = await stripe.paymentIntents.capture(held.id, { amount_to_capture: 2_500 })
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 2_500, amount_capturable: 0 })
    const charge = await stripe.charges.retrieve(captured.latest_charge as string)
    expect(charge).toMatchObject({ captured: true, amount_captured: 2_500 })
  })

  it('refuses to capture an automatic payment', async () => {
    const paid = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    })
    await expect(stripe.paymentIntents.capture(paid.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    })
  })

  it('cancels with a reason, and refuses to cancel a succeeded intent', async () => {
    const created = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const canceled = await stripe.paymentIntents.cancel(created.id, { cancellation_reason: 'abandoned' })
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' })
    expect(canceled.canceled_at).toEqual(expect.any(Number))
    const paid = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    })
    await expect(stripe.paymentIntents.cancel(paid.id)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    })
  })

  it('lists intents newest first', async () => {
    const first = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const second = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const list = await stripe.paymentIntents.list({ limit: 1 })
    expect(list).toMatchObject({ object: 'list', has_more: true, url: '/v1/payment_intents' })
    expect(list.data.map((intent) => intent.id)).toEqual([second.id])
    const next = await stripe.paymentIntents.list({ limit: 1, starting_after: second.id })
    expect(next.data.map((intent) => intent.id)).toEqual([first.id])
  })
})
