import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { resetEmulator } from '../helpers/stripe-emulator'
import { authenticateSetup, eventTypes, offSession, refusal, stripe } from './client'
import { expressAccount } from './connect'

beforeEach(async () => {
  await resetEmulator()
})

const renter = () => stripe.customers.create({ email: 'renter@example.com' })

/** A card saved with a SetupIntent, the renter authenticating when the card asks for it. */
async function setUpCard(token: string, usage: 'off_session' | 'on_session' = 'off_session') {
  const customer = await renter()
  let intent: Stripe.SetupIntent = await stripe.setupIntents.create({
    customer: customer.id,
    payment_method: token,
    usage,
    confirm: true,
  })
  if (intent.status === 'requires_action') intent = await authenticateSetup(intent.id, 'succeed')
  expect(intent.status).toBe('succeeded')
  return { customer: customer.id, paymentMethod: intent.payment_method as string, intent }
}

describe('POST /v1/setup_intents', () => {
  it('creates one shaped as Stripe’s fixture: requires_payment_method, usage off_session', async () => {
    const intent: Stripe.SetupIntent = await stripe.setupIntents.create({ metadata: { rental_id: 'rnt_1' } })
    expect(intent).toEqual({
      id: expect.stringMatching(/^seti_\w{24}$/),
      object: 'setup_intent',
      allowed_payment_method_types: null,
      application: null,
      automatic_payment_methods: null,
      cancellation_reason: null,
      client_secret: expect.stringMatching(new RegExp(`^${intent.id}_secret_\\w+$`)),
      created: expect.any(Number),
      customer: null,
      description: null,
      excluded_payment_method_types: null,
      flow_directions: null,
      last_setup_error: null,
      latest_attempt: null,
      livemode: false,
      mandate: null,
      metadata: { rental_id: 'rnt_1' },
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: {
        card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
      },
      payment_method_types: ['card'],
      single_use_mandate: null,
      status: 'requires_payment_method',
      usage: 'off_session',
    })
    expect(await eventTypes()).toEqual(['setup_intent.created'])
    expect(await stripe.setupIntents.retrieve(intent.id)).toEqual(intent)
  })

  it('confirmed at once for a customer: the card is attached (payment_method.attached), then succeeded', async () => {
    const customer = await renter()
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      description: 'Card for rentals',
    })
    expect(intent).toMatchObject({
      status: 'succeeded',
      customer: customer.id,
      description: 'Card for rentals',
      payment_method: expect.stringMatching(/^pm_/),
      usage: 'off_session',
    })
    const method = await stripe.paymentMethods.retrieve(intent.payment_method as string)
    expect(method).toMatchObject({ customer: customer.id, card: { last4: '4242' } })
    expect((await stripe.customers.listPaymentMethods(customer.id)).data.map((m) => m.id)).toEqual([
      method.id,
    ])
    // One PaymentMethod made from the token, not one at create and another at confirm.
    expect((await stripe.paymentMethods.list()).data).toHaveLength(1)
    expect(await eventTypes()).toEqual([
      'customer.created',
      'setup_intent.created',
      'payment_method.attached',
      'setup_intent.succeeded',
    ])
    const later = await offSession(customer.id, method.id)
    expect(later).toMatchObject({ status: 'succeeded', payment_method: method.id })
  })

  it('with a payment_method and no confirm: requires_confirmation, then /confirm sets it up', async () => {
    const customer = await renter()
    const created = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_visa',
    })
    expect(created.status).toBe('requires_confirmation')
    // As Stripe.js confirms it, with the intent's client_secret.
    const confirmed = await stripe.setupIntents.confirm(created.id, {
      client_secret: created.client_secret!,
    } as Stripe.SetupIntentConfirmParams)
    expect(confirmed).toMatchObject({ status: 'succeeded', payment_method: created.payment_method })
  })

  it('without a customer: succeeded, the card left unattached, to be attached afterwards', async () => {
    const intent = await stripe.setupIntents.create({
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
    })
    expect(intent.status).toBe('requires_action')
    const done = await authenticateSetup(intent.id, 'succeed')
    expect(done).toMatchObject({ status: 'succeeded', customer: null })
    const paymentMethod = done.payment_method as string
    expect(await stripe.paymentMethods.retrieve(paymentMethod)).toMatchObject({ customer: null })
    expect(await eventTypes()).toEqual([
      'setup_intent.created',
      'setup_intent.requires_action',
      'setup_intent.succeeded',
    ])
    const customer = await renter()
    await stripe.paymentMethods.attach(paymentMethod, { customer: customer.id })
    expect((await offSession(customer.id, paymentMethod)).status).toBe('succeeded')
  })
})

describe('3-D Secure on setup (POST /_emulator/setup_intents/:id/authenticate)', () => {
  it('pm_card_authenticationRequiredOnSetup: requires_action, then set up for off-session payments', async () => {
    const customer = await renter()
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
    })
    expect(intent).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } },
    })
    const paymentMethod = intent.payment_method as string
    expect(await stripe.paymentMethods.retrieve(paymentMethod)).toMatchObject({ customer: null })
    const done = await authenticateSetup(intent.id, 'succeed')
    expect(done).toMatchObject({ status: 'succeeded', next_action: null, payment_method: paymentMethod })
    expect(await stripe.setupIntents.retrieve(intent.id)).toEqual(done)
    expect(await eventTypes()).toEqual([
      'customer.created',
      'setup_intent.created',
      'setup_intent.requires_action',
      'payment_method.attached',
      'setup_intent.succeeded',
    ])
    // As Stripe documents: once set up, off-session payments with it need no authentication.
    const later = await offSession(customer.id, paymentMethod)
    expect(later).toMatchObject({ status: 'succeeded', payment_method: paymentMethod })
  })

  it('usage=on_session saves the card but does not set it up for off-session payments', async () => {
    const { customer, paymentMethod, intent } = await setUpCard(
      'pm_card_authenticationRequiredOnSetup',
      'on_session',
    )
    expect(intent.usage).toBe('on_session')
    const error = await refusal(offSession(customer, paymentMethod))
    expect(error).toMatchObject({ statusCode: 402, code: 'authentication_required' })
  })

  it('pm_card_authenticationRequired still asks off-session, however it was set up', async () => {
    const { customer, paymentMethod } = await setUpCard('pm_card_authenticationRequired')
    const error = await refusal(offSession(customer, paymentMethod))
    expect(error).toMatchObject({ statusCode: 402, code: 'authentication_required' })
  })

  it('pm_card_authenticationRequiredChargeDeclinedInsufficientFunds sets up; its payments are then declined', async () => {
    const { customer, paymentMethod } = await setUpCard(
      'pm_card_authenticationRequiredChargeDeclinedInsufficientFunds',
    )
    const error = await refusal(offSession(customer, paymentMethod))
    expect(error).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    })
  })

  it('a failed authentication: requires_payment_method with last_setup_error, nothing attached', async () => {
    const customer = await renter()
    const intent = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
    })
    const failed = await authenticateSetup(intent.id, 'fail')
    expect(failed).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      next_action: null,
      last_setup_error: {
        type: 'invalid_request_error',
        code: 'setup_intent_authentication_failure',
        message: 'The latest attempt to set up the payment method has failed because authentication failed.',
        payment_method: { id: intent.payment_method, card: { last4: '3155' } },
        payment_method_type: 'card',
      },
    })
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([])
    expect((await eventTypes()).slice(-1)).toEqual(['setup_intent.setup_failed'])
    await expect(authenticateSetup(intent.id, 'succeed')).rejects.toThrow(/not waiting for authentication/)
    const retried = await stripe.setupIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })
    expect(retried).toMatchObject({ status: 'succeeded', last_setup_error: null })
  })

  it('with return_url, next_action is redirect_to_url; use_stripe_sdk=true keeps use_stripe_sdk', async () => {
    const returnUrl = 'https://backline.example/cards/done'
    const redirect = await stripe.setupIntents.create({
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: returnUrl,
    })
    expect(redirect.next_action).toEqual({
      type: 'redirect_to_url',
      redirect_to_url: {
        return_url: returnUrl,
        url: expect.stringMatching(/^https:\/\/hooks\.stripe\.com\/redirect\/authenticate\/src_/),
      },
    })
    const sdk = await stripe.setupIntents.create({ payment_method: 'pm_card_authenticationRequired' })
    const confirmed = await stripe.setupIntents.confirm(sdk.id, {
      return_url: returnUrl,
      use_stripe_sdk: true,
    })
    expect(confirmed.next_action?.type).toBe('use_stripe_sdk')
  })
})

describe('declines on setup', () => {
  it('a declining card: 402 card_error with the SetupIntent, last_setup_error, setup_intent.setup_failed', async () => {
    const customer = await renter()
    const error = await refusal(
      stripe.setupIntents.create(
        { customer: customer.id, payment_method: 'pm_card_chargeDeclinedInsufficientFunds', confirm: true },
        { idempotencyKey: 'setup-declined' },
      ),
    )
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError)
    expect(error).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    })
    const intent = error.setup_intent!
    expect(intent).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      last_setup_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        payment_method: { card: { last4: '9995' } },
      },
    })
    expect(error.payment_method).toMatchObject({ customer: null, card: { last4: '9995' } })
    expect(await stripe.setupIntents.retrieve(intent.id)).toEqual(intent)
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toEqual([])
    expect(await eventTypes()).toEqual([
      'customer.created',
      'setup_intent.created',
      'setup_intent.setup_failed',
    ])
    // With the same Idempotency-Key the 402 is replayed, not carried out again.
    const replayed = await refusal(
      stripe.setupIntents.create(
        { customer: customer.id, payment_method: 'pm_card_chargeDeclinedInsufficientFunds', confirm: true },
        { idempotencyKey: 'setup-declined' },
      ),
    )
    expect(replayed.setup_intent?.id).toBe(intent.id)
    expect((await stripe.setupIntents.list()).data).toHaveLength(1)
  })

  it('pm_card_chargeCustomerFail sets up (its charges fail later)', async () => {
    const { customer, paymentMethod } = await setUpCard('pm_card_chargeCustomerFail')
    expect(await refusal(offSession(customer, paymentMethod))).toMatchObject({ code: 'card_declined' })
  })
})

describe('GET /v1/setup_intents, update, cancel', () => {
  it('lists newest first, by customer and by payment_method, and pages', async () => {
    const a = await setUpCard('pm_card_visa')
    const b = await setUpCard('pm_card_mastercard')
    const loose = await stripe.setupIntents.create({})
    const all = await stripe.setupIntents.list()
    expect(all.data.map((intent) => intent.id)).toEqual([loose.id, b.intent.id, a.intent.id])
    const mine = await stripe.setupIntents.list({ customer: a.customer })
    expect(mine.data.map((intent) => intent.id)).toEqual([a.intent.id])
    const byMethod = await stripe.setupIntents.list({ payment_method: b.paymentMethod })
    expect(byMethod.data.map((intent) => intent.id)).toEqual([b.intent.id])
    const page = await stripe.setupIntents.list({ limit: 2 })
    expect(page.has_more).toBe(true)
    const rest = await stripe.setupIntents.list({ limit: 2, starting_after: page.data[1]!.id })
    expect(rest.data.map((intent) => intent.id)).toEqual([a.intent.id])
    const expanded = await stripe.setupIntents.list({ customer: a.customer, expand: ['data.customer'] })
    expect(expanded.data[0]!.customer).toMatchObject({ id: a.customer, object: 'customer' })
  })

  it('updates metadata, description, customer and payment method; expands them', async () => {
    const intent = await stripe.setupIntents.create({ metadata: { a: '1' } })
    const customer = await renter()
    const updated = await stripe.setupIntents.update(intent.id, {
      metadata: { b: '2' },
      description: 'deposit card',
      customer: customer.id,
      payment_method: 'pm_card_visa',
    })
    expect(updated).toMatchObject({
      metadata: { a: '1', b: '2' },
      description: 'deposit card',
      customer: customer.id,
      status: 'requires_confirmation',
    })
    const confirmed = await stripe.setupIntents.confirm(intent.id, {
      expand: ['payment_method', 'customer'],
    })
    expect(confirmed).toMatchObject({
      status: 'succeeded',
      customer: { id: customer.id, object: 'customer' },
      payment_method: { id: updated.payment_method, object: 'payment_method', customer: customer.id },
    })
    expect((await stripe.setupIntents.update(intent.id, { metadata: { c: '3' } })).metadata).toEqual({
      a: '1',
      b: '2',
      c: '3',
    })
    const error = await refusal(stripe.setupIntents.update(intent.id, { payment_method: 'pm_card_visa' }))
    expect(error).toMatchObject({ statusCode: 400, code: 'setup_intent_unexpected_state' })
  })

  it('cancels with a reason (setup_intent.canceled); a canceled or succeeded one cannot be confirmed or canceled', async () => {
    const intent = await stripe.setupIntents.create({ payment_method: 'pm_card_visa' })
    const canceled = await stripe.setupIntents.cancel(intent.id, { cancellation_reason: 'abandoned' })
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' })
    expect((await eventTypes()).slice(-1)).toEqual(['setup_intent.canceled'])
    expect(await refusal(stripe.setupIntents.confirm(intent.id))).toMatchObject({
      statusCode: 400,
      code: 'setup_intent_unexpected_state',
      message: expect.stringContaining('because it has a status of canceled'),
    })
    const { intent: done } = await setUpCard('pm_card_visa')
    expect(await refusal(stripe.setupIntents.cancel(done.id))).toMatchObject({
      statusCode: 400,
      code: 'setup_intent_unexpected_state',
    })
    await expect(
      stripe.setupIntents.cancel(done.id, { cancellation_reason: 'fraudulent' as 'abandoned' }),
    ).rejects.toMatchObject({ param: 'cancellation_reason' })
  })
})

describe('Stripe’s refusals on a SetupIntent', () => {
  it('unknown and unimplemented parameters: parameter_unknown', async () => {
    const unimplemented: Record<string, Stripe.SetupIntentCreateParams> = {
      payment_method_options: { payment_method_options: { card: { request_three_d_secure: 'any' } } },
      mandate_data: { mandate_data: { customer_acceptance: { type: 'offline' } } },
      on_behalf_of: { on_behalf_of: 'acct_123' },
      flow_directions: { flow_directions: ['inbound'] },
    }
    for (const [param, params] of Object.entries(unimplemented)) {
      expect(await refusal(stripe.setupIntents.create(params))).toMatchObject({
        statusCode: 400,
        type: 'StripeInvalidRequestError',
        code: 'parameter_unknown',
        param,
        message: `Received unknown parameter: ${param}`,
      })
    }
    const intent = await stripe.setupIntents.create({})
    await expect(
      stripe.setupIntents.confirm(intent.id, { payment_method_data: { type: 'card' } }),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'payment_method_data' })
    await expect(stripe.setupIntents.list({ attach_to_self: true })).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'attach_to_self',
    })
  })

  it('an unknown customer, another customer’s card, a customer’s card without the customer', async () => {
    expect(await refusal(stripe.setupIntents.create({ customer: 'cus_missing' }))).toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'customer',
    })
    const { customer, paymentMethod } = await setUpCard('pm_card_visa')
    const stranger = await stripe.customers.create({})
    expect(
      await refusal(stripe.setupIntents.create({ customer: stranger.id, payment_method: paymentMethod })),
    ).toMatchObject({
      statusCode: 400,
      param: 'payment_method',
      message: `The PaymentMethod ${paymentMethod} does not belong to the Customer you supplied ${stranger.id}. Please use this PaymentMethod with the Customer that it belongs to instead.`,
    })
    const intent = await stripe.setupIntents.create({})
    const error = await refusal(stripe.setupIntents.confirm(intent.id, { payment_method: paymentMethod }))
    expect(error).toMatchObject({
      code: 'parameter_missing',
      message: `The \`payment_method\` parameter supplied ${paymentMethod} belongs to the Customer ${customer}. Please include the Customer in the \`customer\` parameter on the SetupIntent.`,
    })
    expect(error.setup_intent).toMatchObject({ id: intent.id, status: 'requires_payment_method' })
  })

  it('confirming without a payment method, and confirmation-only parameters without confirm=true', async () => {
    const intent = await stripe.setupIntents.create({})
    const error = await refusal(stripe.setupIntents.confirm(intent.id))
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'setup_intent_unexpected_state',
      message:
        "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
    })
    expect(error.setup_intent?.id).toBe(intent.id)
    await expect(
      stripe.setupIntents.create({ payment_method: 'pm_card_visa', return_url: 'https://x.example/' }),
    ).rejects.toMatchObject({
      param: 'return_url',
      message: 'return_url can only be used when confirm=true.',
    })
  })

  it('payment method types: allowed_payment_method_types with card, not with automatic_payment_methods', async () => {
    // Not a parameter on this API version (2026-09-30.endive on).
    const removed = { payment_method_types: ['card'] } as Stripe.SetupIntentCreateParams
    await expect(stripe.setupIntents.create(removed)).rejects.toMatchObject({
      statusCode: 400,
      code: 'payment_method_types_no_longer_supported',
      param: 'payment_method_types',
    })
    const allowed = await stripe.setupIntents.create({ allowed_payment_method_types: ['card', 'sepa_debit'] })
    expect(allowed).toMatchObject({
      allowed_payment_method_types: ['card', 'sepa_debit'],
      payment_method_types: ['card'],
    })
    const unset = await stripe.setupIntents.update(allowed.id, { allowed_payment_method_types: '' })
    expect(unset.allowed_payment_method_types).toBeNull()
    await expect(
      stripe.setupIntents.create({ allowed_payment_method_types: ['sepa_debit'] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'allowed_payment_method_types' })
    await expect(
      stripe.setupIntents.create({
        allowed_payment_method_types: ['card'],
        automatic_payment_methods: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameters_exclusive' })
    const automatic = await stripe.setupIntents.create({ automatic_payment_methods: { enabled: true } })
    expect(automatic.automatic_payment_methods).toEqual({ enabled: true, allow_redirects: 'always' })
    // Redirect-based methods could need a return_url; Stripe refuses a confirmation without one.
    await expect(
      stripe.setupIntents.confirm(automatic.id, { payment_method: 'pm_card_visa' }),
    ).rejects.toMatchObject({ statusCode: 400 })
    const confirmed = await stripe.setupIntents.confirm(automatic.id, {
      payment_method: 'pm_card_visa',
      return_url: 'https://backline.example/done',
    })
    expect(confirmed.status).toBe('succeeded')
  })

  it('an unknown id is 404 “No such setupintent”; a client_secret must be the intent’s', async () => {
    expect(await refusal(stripe.setupIntents.retrieve('seti_missing'))).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such setupintent: 'seti_missing'",
    })
    const intent = await stripe.setupIntents.create({})
    await expect(
      stripe.setupIntents.retrieve(intent.id, { client_secret: `${intent.id}_secret_wrong` }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'client_secret' })
  })
})

describe('SetupIntents of a connected account (Stripe-Account)', () => {
  it('lives in that account: the platform does not see it, its events carry the account', async () => {
    const account = await expressAccount()
    const options = { stripeAccount: account.id }
    const intent = await stripe.setupIntents.create(
      { payment_method: 'pm_card_visa', confirm: true },
      options,
    )
    expect(intent.status).toBe('succeeded')
    await expect(stripe.setupIntents.retrieve(intent.id)).rejects.toMatchObject({ statusCode: 404 })
    const events = await stripe.events.list({ type: 'setup_intent.*' }, options)
    expect(events.data.map((event) => [event.type, event.account])).toEqual([
      ['setup_intent.succeeded', account.id],
      ['setup_intent.created', account.id],
    ])
  })
})
