import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { authenticate, resetEmulator } from '../helpers/stripe-emulator'
import { customerWithSavedCard, eventTypes, offSession, paidIntent, refusal, stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

const cardError = async (attempt: Promise<unknown>) => {
  const error = await refusal(attempt)
  expect(error).toBeInstanceOf(Stripe.errors.StripeCardError)
  return error as Stripe.errors.StripeCardError
}

/** A card attached straight to a customer (no payment, so not set up for off-session use). */
async function attached(token: string) {
  const customer = await stripe.customers.create({ email: 'renter@example.com' })
  const method = await stripe.paymentMethods.attach(token, { customer: customer.id })
  return { customer: customer.id, paymentMethod: method.id }
}

/** A card saved on-session at checkout, the renter authenticating when the card asks for it. */
async function savedAtCheckout(token: string, usage: 'off_session' | 'on_session' = 'off_session') {
  const customer = await stripe.customers.create({ email: 'renter@example.com' })
  let intent = await paidIntent(token, { customer: customer.id, setup_future_usage: usage })
  if (intent.status === 'requires_action') await authenticate(intent.id, 'succeed')
  intent = await stripe.paymentIntents.retrieve(intent.id)
  expect(intent.status).toBe('succeeded')
  return { customer: customer.id, paymentMethod: intent.payment_method as string }
}

describe('saving a card with setup_future_usage', () => {
  it('attaches the payment method to the intent’s customer when the payment succeeds', async () => {
    const { customer, intent, paymentMethod } = await customerWithSavedCard()
    expect(intent).toMatchObject({
      status: 'succeeded',
      customer: customer.id,
      setup_future_usage: 'off_session',
    })
    expect(await stripe.paymentMethods.retrieve(paymentMethod)).toMatchObject({ customer: customer.id })
    const saved = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' })
    expect(saved.data.map((method) => method.id)).toEqual([paymentMethod])
    expect(await eventTypes()).toEqual([
      'customer.created',
      'payment_intent.created',
      'charge.succeeded',
      'payment_method.attached',
      'payment_intent.succeeded',
    ])
  })

  it('does not attach when the payment is declined, nor without a customer', async () => {
    const customer = await stripe.customers.create({})
    await cardError(
      paidIntent('pm_card_chargeDeclined', { customer: customer.id, setup_future_usage: 'off_session' }),
    )
    const loose = await paidIntent('pm_card_visa', { setup_future_usage: 'off_session' })
    expect(loose.status).toBe('succeeded')
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([])
    expect(await stripe.paymentMethods.retrieve(loose.payment_method as string)).toMatchObject({
      customer: null,
    })
  })

  it('reuses the saved card for later payments of that customer, off-session', async () => {
    const { customer, paymentMethod } = await customerWithSavedCard()
    const later = await offSession(customer.id, paymentMethod)
    expect(later).toMatchObject({ status: 'succeeded', payment_method: paymentMethod, customer: customer.id })
    const deposit = await offSession(customer.id, paymentMethod, { capture_method: 'manual' })
    expect(deposit).toMatchObject({ status: 'requires_capture', amount_capturable: 30_000 })
    const charges = await stripe.charges.list({ customer: customer.id })
    expect(charges.data).toHaveLength(3)
    const intents = await stripe.paymentIntents.list({ customer: customer.id })
    expect(intents.data.map((intent) => intent.id)).toContain(deposit.id)
  })
})

describe('Stripe’s refusals of a payment method', () => {
  it('one attached to another customer: 400, with the intent on the error at confirm', async () => {
    const { paymentMethod } = await customerWithSavedCard()
    const stranger = await stripe.customers.create({ email: 'stranger@example.com' })
    const message = `The PaymentMethod ${paymentMethod} does not belong to the Customer you supplied ${stranger.id}. Please use this PaymentMethod with the Customer that it belongs to instead.`
    await expect(offSession(stranger.id, paymentMethod)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      param: 'payment_method',
      message,
    })
    const intent = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      customer: stranger.id,
    })
    const error = (await stripe.paymentIntents
      .confirm(intent.id, { payment_method: paymentMethod })
      .catch((caught: unknown) => caught)) as Stripe.errors.StripeInvalidRequestError
    expect(error).toMatchObject({ statusCode: 400, message })
    expect(error.payment_intent).toMatchObject({ id: intent.id, status: 'requires_payment_method' })
  })

  it('a customer’s card on an intent without that customer', async () => {
    const { customer, paymentMethod } = await customerWithSavedCard()
    await expect(paidIntent(paymentMethod)).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      message: `The \`payment_method\` parameter supplied ${paymentMethod} belongs to the Customer ${customer.id}. Please include the Customer in the \`customer\` parameter on the PaymentIntent.`,
    })
  })

  it('one already used without a customer, or detached, cannot be used again', async () => {
    const once = await paidIntent('pm_card_visa')
    const again = paidIntent(once.payment_method as string)
    await expect(again).rejects.toMatchObject({ statusCode: 400, param: 'payment_method' })
    await expect(again).rejects.toThrow(/may not be used again/)
    const { customer, paymentMethod } = await customerWithSavedCard()
    await stripe.paymentMethods.detach(paymentMethod)
    await expect(offSession(customer.id, paymentMethod)).rejects.toThrow(/may not be used again/)
  })

  it('off_session without confirm, an unknown customer, a bad setup_future_usage', async () => {
    const customer = await stripe.customers.create({})
    await expect(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        customer: customer.id,
        off_session: true,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'off_session' })
    await expect(
      stripe.paymentIntents.create({ amount: 1_000, currency: 'usd', customer: 'cus_missing' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' })
    await expect(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        setup_future_usage: 'sometimes',
      } as unknown as Stripe.PaymentIntentCreateParams),
    ).rejects.toMatchObject({ statusCode: 400, param: 'setup_future_usage' })
  })

  it('setup_future_usage and customer can be set on update and at confirm', async () => {
    const customer = await stripe.customers.create({})
    const intent = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const updated = await stripe.paymentIntents.update(intent.id, {
      customer: customer.id,
      setup_future_usage: 'on_session',
    })
    expect(updated).toMatchObject({ customer: customer.id, setup_future_usage: 'on_session' })
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_visa',
      setup_future_usage: 'off_session',
    })
    expect(confirmed).toMatchObject({ status: 'succeeded', setup_future_usage: 'off_session' })
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1)
  })
})

describe('off-session declines', () => {
  it('pm_card_authenticationRequired: 402 authentication_required, no charge, the card on the error', async () => {
    const { customer, paymentMethod } = await attached('pm_card_authenticationRequired')
    const error = await cardError(offSession(customer, paymentMethod, { capture_method: 'manual' }))
    expect(error).toMatchObject({
      statusCode: 402,
      code: 'authentication_required',
      decline_code: 'authentication_required',
      message: 'Your card was declined. This transaction requires authentication.',
      doc_url: 'https://stripe.com/docs/error-codes/authentication-required',
    })
    expect(error.raw).toMatchObject({ payment_method: { id: paymentMethod, customer } })
    expect(error.raw).not.toHaveProperty('charge')
    const intent = error.payment_intent as Stripe.PaymentIntent
    expect(intent).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      latest_charge: null,
      last_payment_error: {
        type: 'card_error',
        code: 'authentication_required',
        payment_method: { id: paymentMethod },
        payment_method_type: 'card',
      },
    })
    expect((await eventTypes()).slice(-2)).toEqual([
      'payment_intent.created',
      'payment_intent.payment_failed',
    ])
    expect((await stripe.charges.list({ payment_intent: intent.id })).data).toEqual([])
  })

  it('the renter then confirms on-session with the same card, authenticates, and the hold is placed', async () => {
    const { customer, paymentMethod } = await attached('pm_card_authenticationRequired')
    const error = await cardError(offSession(customer, paymentMethod, { capture_method: 'manual' }))
    const intent = error.payment_intent as Stripe.PaymentIntent
    // The app hands intent.client_secret to the renter; Stripe.js confirms with the card on the error.
    const onSession = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: intent.last_payment_error?.payment_method?.id as string,
      client_secret: intent.client_secret as string,
    } as Stripe.PaymentIntentConfirmParams)
    expect(onSession).toMatchObject({ status: 'requires_action', next_action: { type: 'use_stripe_sdk' } })
    await authenticate(intent.id, 'succeed')
    const held = await stripe.paymentIntents.retrieve(intent.id)
    expect(held).toMatchObject({
      status: 'requires_capture',
      amount_capturable: 30_000,
      last_payment_error: null,
    })
    const charge = await stripe.charges.retrieve(held.latest_charge as string)
    expect(charge.payment_method_details?.card?.capture_before).toBe(charge.created + 7 * 24 * 3600)
  })

  it('decline cards answer card_declined off-session, with the failed charge', async () => {
    const { customer, paymentMethod } = await attached('pm_card_chargeCustomerFail')
    const error = await cardError(offSession(customer, paymentMethod))
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' })
    expect(error.raw).toMatchObject({ charge: expect.stringMatching(/^ch_/) })
    const token = await cardError(offSession(customer, 'pm_card_chargeDeclinedInsufficientFunds'))
    expect(token).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' })
    expect((await eventTypes()).slice(-3)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ])
  })

  it('a replayed off-session decline answers the same 402 (idempotency key)', async () => {
    const { customer, paymentMethod } = await attached('pm_card_authenticationRequired')
    const key = { idempotencyKey: 'deposit-r1' }
    const first = await cardError(offSession(customer, paymentMethod, {}, key))
    const second = await cardError(offSession(customer, paymentMethod, {}, key))
    expect(second.payment_intent?.id).toBe(first.payment_intent?.id)
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1)
  })
})

describe('cards that pass on-session but fail off-session (Stripe’s 3-D Secure set-up cards)', () => {
  it('pm_card_authenticationRequired fails off-session even once saved and authenticated', async () => {
    const { customer, paymentMethod } = await savedAtCheckout('pm_card_authenticationRequired')
    const error = await cardError(offSession(customer, paymentMethod))
    expect(error.code).toBe('authentication_required')
  })

  it('pm_card_authenticationRequiredOnSetup fails off-session until saved with setup_future_usage=off_session', async () => {
    const direct = await attached('pm_card_authenticationRequiredOnSetup')
    expect((await cardError(offSession(direct.customer, direct.paymentMethod))).code).toBe(
      'authentication_required',
    )
    const onSessionOnly = await savedAtCheckout('pm_card_authenticationRequiredOnSetup', 'on_session')
    expect((await cardError(offSession(onSessionOnly.customer, onSessionOnly.paymentMethod))).code).toBe(
      'authentication_required',
    )
    const saved = await savedAtCheckout('pm_card_authenticationRequiredOnSetup')
    expect(await offSession(saved.customer, saved.paymentMethod)).toMatchObject({ status: 'succeeded' })
    // On-session it always asks.
    const again = await paidIntent(saved.paymentMethod, { customer: saved.customer })
    expect(again.status).toBe('requires_action')
  })

  it('pm_card_authenticationRequiredSetupForOffSession asks on-session, never off-session', async () => {
    const onSession = await paidIntent('pm_card_authenticationRequiredSetupForOffSession')
    expect(onSession.status).toBe('requires_action')
    const { customer, paymentMethod } = await attached('pm_card_authenticationRequiredSetupForOffSession')
    expect(await offSession(customer, paymentMethod)).toMatchObject({ status: 'succeeded' })
  })

  it('pm_card_authenticationRequiredChargeDeclinedInsufficientFunds declines even after authentication', async () => {
    const intent = await paidIntent('pm_card_authenticationRequiredChargeDeclinedInsufficientFunds')
    expect(intent.status).toBe('requires_action')
    expect(await authenticate(intent.id, 'succeed')).toMatchObject({ status: 'requires_payment_method' })
    const after = await stripe.paymentIntents.retrieve(intent.id)
    expect(after.last_payment_error).toMatchObject({
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    })
    expect(await stripe.charges.retrieve(after.latest_charge as string)).toMatchObject({ status: 'failed' })
    const { customer, paymentMethod } = await attached(
      'pm_card_authenticationRequiredChargeDeclinedInsufficientFunds',
    )
    expect((await cardError(offSession(customer, paymentMethod))).code).toBe('authentication_required')
  })
})
