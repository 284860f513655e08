import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { resetEmulator } from '../helpers/stripe-emulator'
import { eventTypes, stripe } from './client'

beforeEach(async () => {
  await resetEmulator()
})

const eventsOf = async (type: string) => (await stripe.events.list({ type })).data

describe('POST /v1/customers', () => {
  it('creates a customer shaped as Stripe’s, and records customer.created', async () => {
    const customer = await stripe.customers.create({
      email: 'renter@example.com',
      name: 'Ada Renter',
      description: 'renter usr_1',
      phone: '+15555550100',
      metadata: { user_id: 'usr_1' },
    })
    expect(customer).toMatchObject({
      object: 'customer',
      email: 'renter@example.com',
      name: 'Ada Renter',
      description: 'renter usr_1',
      phone: '+15555550100',
      metadata: { user_id: 'usr_1' },
      balance: 0,
      delinquent: false,
      default_source: null,
      invoice_settings: { default_payment_method: null },
      livemode: false,
      preferred_locales: [],
      tax_exempt: 'none',
    })
    expect(customer.id).toMatch(/^cus_\w{14}$/)
    const [created] = await eventsOf('customer.created')
    expect(created?.data.object).toMatchObject({ id: customer.id, email: 'renter@example.com' })
  })

  it('attaches payment_method and can make it the default in the same request', async () => {
    const customer = await stripe.customers.create({
      email: 'renter@example.com',
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    })
    const methodId = customer.invoice_settings.default_payment_method as string
    expect(methodId).toMatch(/^pm_\w{24}$/)
    expect(await stripe.paymentMethods.retrieve(methodId)).toMatchObject({
      customer: customer.id,
      card: { brand: 'visa', last4: '4242' },
    })
    expect(await eventTypes()).toEqual(['customer.created', 'payment_method.attached'])
  })

  it('refuses unknown parameters, a bad email and a default that is not the customer’s', async () => {
    await expect(
      stripe.customers.create({ colour: 'red' } as Stripe.CustomerCreateParams),
    ).rejects.toMatchObject({ statusCode: 400, message: 'Received unknown parameter: colour' })
    await expect(stripe.customers.create({ invoice_settings: { footer: 'x' } })).rejects.toMatchObject({
      param: 'invoice_settings[footer]',
    })
    await expect(stripe.customers.create({ email: 'not-an-email' })).rejects.toMatchObject({
      param: 'email',
    })
    const other = await stripe.customers.create({ payment_method: 'pm_card_visa' })
    const theirs = (await stripe.customers.listPaymentMethods(other.id)).data[0]!.id
    await expect(
      stripe.customers.create({ invoice_settings: { default_payment_method: theirs } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'invoice_settings[default_payment_method]',
      message: `The customer does not have a payment method with the ID ${theirs}. The payment method must be attached to the customer.`,
    })
  })

  it('refuses to save a declining card: Stripe verifies it on attach', async () => {
    const attempt = stripe.customers.create({ payment_method: 'pm_card_chargeDeclined' })
    await expect(attempt).rejects.toBeInstanceOf(Stripe.errors.StripeCardError)
    await expect(attempt).rejects.toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' })
    expect((await stripe.customers.list()).data).toEqual([])
  })
})

describe('GET, POST and DELETE /v1/customers/:id', () => {
  it('retrieves, updates with previous_attributes, and answers 404 for an unknown id', async () => {
    const customer = await stripe.customers.create({ email: 'a@example.com', metadata: { a: '1' } })
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ id: customer.id })
    const updated = await stripe.customers.update(customer.id, {
      email: 'b@example.com',
      name: 'B',
      metadata: { a: '', b: '2' },
      address: { city: 'Berlin', country: 'DE' },
    })
    expect(updated).toMatchObject({
      email: 'b@example.com',
      name: 'B',
      metadata: { b: '2' },
      address: { city: 'Berlin', country: 'DE', line1: null },
    })
    const [event] = await eventsOf('customer.updated')
    expect(event?.data.previous_attributes).toEqual({
      email: 'a@example.com',
      name: null,
      metadata: { a: '1' },
      address: null,
    })
    await stripe.customers.update(customer.id, { email: 'b@example.com' })
    expect(await eventsOf('customer.updated')).toHaveLength(1)
    await expect(stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such customer: 'cus_missing'",
    })
  })

  it('sets and unsets the default payment method', async () => {
    const customer = await stripe.customers.create({ payment_method: 'pm_card_mastercard' })
    const [method] = (await stripe.customers.listPaymentMethods(customer.id)).data
    const withDefault = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: method!.id },
    })
    expect(withDefault.invoice_settings.default_payment_method).toBe(method!.id)
    const without = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: '' },
    })
    expect(without.invoice_settings.default_payment_method).toBeNull()
  })

  it('deletes: the id answers deleted, updates and new payments are refused, the list leaves it out', async () => {
    const customer = await stripe.customers.create({ email: 'gone@example.com' })
    expect(await stripe.customers.del(customer.id)).toEqual({
      id: customer.id,
      object: 'customer',
      deleted: true,
    })
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true })
    await expect(stripe.customers.update(customer.id, { name: 'x' })).rejects.toMatchObject({
      statusCode: 404,
    })
    await expect(
      stripe.paymentIntents.create({ amount: 1_000, currency: 'usd', customer: customer.id }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' })
    expect((await stripe.customers.list()).data).toEqual([])
    expect((await eventsOf('customer.deleted'))[0]?.data.object).toMatchObject({ id: customer.id })
  })
})

describe('GET /v1/customers', () => {
  it('lists newest first, filters by email, pages both ways', async () => {
    const first = await stripe.customers.create({ email: 'one@example.com' })
    const second = await stripe.customers.create({ email: 'two@example.com' })
    const third = await stripe.customers.create({ email: 'one@example.com' })
    const byEmail = await stripe.customers.list({ email: 'one@example.com' })
    expect(byEmail.data.map((customer) => customer.id)).toEqual([third.id, first.id])
    const page = await stripe.customers.list({ limit: 2 })
    expect(page).toMatchObject({ has_more: true, url: '/v1/customers' })
    expect(page.data.map((customer) => customer.id)).toEqual([third.id, second.id])
    const next = await stripe.customers.list({ limit: 2, starting_after: second.id })
    expect(next.data.map((customer) => customer.id)).toEqual([first.id])
    const back = await stripe.customers.list({ limit: 2, ending_before: first.id })
    expect(back.data.map((customer) => customer.id)).toEqual([third.id, second.id])
  })
})

describe('PaymentMethods', () => {
  it('retrieves a PaymentMethod shaped as Stripe’s; a test token becomes a new one', async () => {
    const method = await stripe.paymentMethods.retrieve('pm_card_amex')
    expect(method).toMatchObject({
      object: 'payment_method',
      type: 'card',
      customer: null,
      allow_redisplay: 'unspecified',
      billing_details: { email: null, name: null },
      card: {
        brand: 'amex',
        display_brand: 'american_express',
        last4: '8431',
        exp_month: 12,
        funding: 'credit',
        networks: { available: ['amex'] },
      },
      livemode: false,
      metadata: {},
    })
    expect(method.id).toMatch(/^pm_\w{24}$/)
    expect(await stripe.paymentMethods.retrieve(method.id)).toEqual(method)
    await expect(stripe.paymentMethods.retrieve('pm_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such PaymentMethod: 'pm_missing'",
    })
  })

  it('attaches, lists for the customer, detaches', async () => {
    const customer = await stripe.customers.create({ email: 'renter@example.com' })
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id })
    const mastercard = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id })
    expect(visa).toMatchObject({ customer: customer.id, card: { last4: '4242' } })
    const listed = await stripe.paymentMethods.list({ customer: customer.id, type: 'card' })
    expect(listed).toMatchObject({ object: 'list', url: '/v1/payment_methods', has_more: false })
    expect(listed.data.map((method) => method.id)).toEqual([mastercard.id, visa.id])
    const nested = await stripe.customers.listPaymentMethods(customer.id, { type: 'card', limit: 1 })
    expect(nested).toMatchObject({ has_more: true, url: `/v1/customers/${customer.id}/payment_methods` })
    expect(await stripe.customers.retrievePaymentMethod(customer.id, visa.id)).toMatchObject({ id: visa.id })
    const detached = await stripe.paymentMethods.detach(visa.id)
    expect(detached).toMatchObject({ id: visa.id, customer: null })
    const after = await stripe.customers.listPaymentMethods(customer.id)
    expect(after.data.map((method) => method.id)).toEqual([mastercard.id])
    const [event] = await eventsOf('payment_method.detached')
    expect(event?.data).toMatchObject({
      object: { id: visa.id, customer: null },
      previous_attributes: { customer: customer.id },
    })
    expect(await eventTypes()).toEqual([
      'customer.created',
      'payment_method.attached',
      'payment_method.attached',
      'payment_method.detached',
    ])
  })

  it('detaching the default payment method unsets it on the customer', async () => {
    const customer = await stripe.customers.create({
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    })
    await stripe.paymentMethods.detach(customer.invoice_settings.default_payment_method as string)
    const after = await stripe.customers.retrieve(customer.id)
    expect((after as Stripe.Customer).invoice_settings.default_payment_method).toBeNull()
    expect((await eventTypes()).slice(-2)).toEqual(['payment_method.detached', 'customer.updated'])
  })

  it('refuses Stripe’s way: no customer, an unknown one, attached twice, detached twice, reattached', async () => {
    const customer = await stripe.customers.create({})
    const other = await stripe.customers.create({})
    await expect(
      stripe.paymentMethods.attach('pm_card_visa', {} as Stripe.PaymentMethodAttachParams),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'customer' })
    await expect(
      stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_missing' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' })
    const method = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id })
    await expect(stripe.paymentMethods.attach(method.id, { customer: other.id })).rejects.toMatchObject({
      statusCode: 400,
      message: 'The payment method you provided has already been attached to a customer.',
    })
    await stripe.paymentMethods.detach(method.id)
    await expect(stripe.paymentMethods.detach(method.id)).rejects.toMatchObject({
      message: 'The payment method you provided is not attached to a customer so detachment is impossible.',
    })
    await expect(stripe.paymentMethods.attach(method.id, { customer: other.id })).rejects.toMatchObject({
      statusCode: 400,
      param: 'payment_method',
    })
    await expect(
      stripe.paymentMethods.list({ customer: customer.id, colour: 'red' } as Stripe.PaymentMethodListParams),
    ).rejects.toMatchObject({ message: 'Received unknown parameter: colour' })
  })

  it('declining cards cannot be attached; pm_card_chargeCustomerFail can', async () => {
    const customer = await stripe.customers.create({})
    await expect(
      stripe.paymentMethods.attach('pm_card_chargeDeclinedInsufficientFunds', { customer: customer.id }),
    ).rejects.toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds' })
    const saved = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id })
    expect(saved).toMatchObject({ customer: customer.id, card: { last4: '0341' } })
  })

  it('keeps customers and payment methods apart per Stripe-Account', async () => {
    const account = await stripe.accounts.create({ type: 'express', country: 'US' })
    const scoped = { stripeAccount: account.id }
    const customer = await stripe.customers.create({ email: 'direct@example.com' }, scoped)
    expect((await stripe.customers.list()).data).toEqual([])
    expect((await stripe.customers.list({}, scoped)).data.map((c) => c.id)).toEqual([customer.id])
    await expect(stripe.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 404 })
    const [created] = (await stripe.events.list({ type: 'customer.created' }, scoped)).data
    expect(created).toMatchObject({ account: account.id })
  })
})
