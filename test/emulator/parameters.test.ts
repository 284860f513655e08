import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { advanceClock, markWebhook, pendingWebhooks, resetEmulator } from '../helpers/stripe-emulator'
import { customerWithSavedCard, paidIntent, refusal, stripe } from './client'
import { addBalance, expressAccount, onboardedAccount, runPayouts } from './connect'

beforeEach(async () => {
  await resetEmulator()
})

/** Stripe's answer to a parameter it does not take, which the emulator gives for the ones it does not implement. */
async function refused(attempt: Promise<unknown>, param: string) {
  const error = await refusal(attempt)
  expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
  expect(error).toMatchObject({
    statusCode: 400,
    code: 'parameter_unknown',
    param,
    message: `Received unknown parameter: ${param}`,
    doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown',
  })
}

/** Parameters Stripe has and the SDK types, sent as they are: the emulator refuses them. */
const loose = <T>(params: Record<string, unknown>) => params as T

describe('parameters the emulator does not implement are refused (parameter_unknown)', () => {
  it('PaymentIntents: payment_method_options, shipping, mandate_data, radar_options, payment_method_data', async () => {
    const base = { amount: 1_000, currency: 'usd' }
    const unimplemented: Record<string, Stripe.PaymentIntentCreateParams> = {
      payment_method_options: {
        ...base,
        payment_method_options: { card: { request_three_d_secure: 'any' } },
      },
      shipping: { ...base, shipping: { name: 'Renter', address: { line1: '1 Main St' } } },
      mandate_data: { ...base, confirm: true, mandate_data: { customer_acceptance: { type: 'offline' } } },
      radar_options: { ...base, radar_options: { session: 'rse_1' } },
      payment_method_data: { ...base, payment_method_data: { type: 'card' } },
    }
    for (const [param, params] of Object.entries(unimplemented))
      await refused(stripe.paymentIntents.create(params), param)
    const intent = await stripe.paymentIntents.create({ ...base, payment_method: 'pm_card_visa' })
    await refused(
      stripe.paymentIntents.confirm(intent.id, { payment_method_options: { card: { moto: true } } }),
      'payment_method_options',
    )
    await refused(
      stripe.paymentIntents.update(intent.id, { payment_method_options: { card: { moto: true } } }),
      'payment_method_options',
    )
    // Nested keys are checked too.
    await refused(
      stripe.paymentIntents.create({
        ...base,
        automatic_payment_methods: loose({ enabled: true, extra: 'x' }),
      }),
      'automatic_payment_methods[extra]',
    )
    await refused(
      stripe.paymentIntents.create({ ...base, transfer_data: loose({ destination: 'acct_1', colour: 'x' }) }),
      'transfer_data[colour]',
    )
    await refused(stripe.paymentIntents.list({ created: loose({ after: '1' }) }), 'created[after]')
  })

  it('capture: final_capture (multicapture is not modelled)', async () => {
    const hold = await paidIntent('pm_card_visa', { capture_method: 'manual' })
    await refused(stripe.paymentIntents.capture(hold.id, { final_capture: false }), 'final_capture')
    expect((await stripe.paymentIntents.retrieve(hold.id)).status).toBe('requires_capture')
  })

  it('refunds: reverse_transfer, refund_application_fee, and the customer-balance ones', async () => {
    const intent = await paidIntent()
    const unimplemented: Record<string, Partial<Stripe.RefundCreateParams>> = {
      reverse_transfer: { reverse_transfer: true },
      refund_application_fee: { refund_application_fee: true },
      origin: { origin: 'customer_balance' },
      instructions_email: { instructions_email: 'renter@example.com' },
      customer: { customer: 'cus_1' },
      currency: { currency: 'usd' },
    }
    for (const [param, extra] of Object.entries(unimplemented))
      await refused(stripe.refunds.create({ payment_intent: intent.id, ...extra }), param)
    expect((await stripe.refunds.list()).data).toEqual([])
  })

  it('transfer reversals: description and refund_application_fee', async () => {
    const owner = await onboardedAccount()
    await addBalance(5_000)
    const transfer = await stripe.transfers.create({ amount: 1_000, currency: 'usd', destination: owner.id })
    await refused(stripe.transfers.createReversal(transfer.id, { description: 'why' }), 'description')
    await refused(
      stripe.transfers.createReversal(transfer.id, { refund_application_fee: true }),
      'refund_application_fee',
    )
    expect((await stripe.transfers.retrieve(transfer.id)).amount_reversed).toBe(0)
  })

  it('accounts: individual, company, external_account, account_token, documents, groups', async () => {
    const unimplemented: Record<string, Stripe.AccountCreateParams> = {
      individual: { individual: { first_name: 'Ada' } },
      company: { company: { name: 'Backline LLC' } },
      external_account: { external_account: 'btok_us' },
      account_token: { account_token: 'ct_1' },
      documents: { documents: { bank_account_ownership_verification: { files: ['file_1'] } } },
      groups: { groups: { payments_pricing: 'default' } },
    }
    for (const [param, extra] of Object.entries(unimplemented))
      await refused(stripe.accounts.create({ type: 'express', ...extra }), param)
    const account = await expressAccount()
    await refused(stripe.accounts.update(account.id, { individual: { last_name: 'Lovelace' } }), 'individual')
    await refused(
      stripe.accounts.update(account.id, { business_profile: { estimated_worker_count: 3 } }),
      'business_profile[estimated_worker_count]',
    )
    await refused(
      stripe.accounts.update(account.id, { business_profile: { support_address: { city: 'Austin' } } }),
      'business_profile[support_address]',
    )
    await refused(
      stripe.accounts.update(account.id, { settings: { branding: { primary_color: '#000000' } } }),
      'settings[branding]',
    )
    await refused(
      stripe.accounts.update(account.id, { settings: { payouts: { statement_descriptor: 'BACKLINE' } } }),
      'settings[payouts][statement_descriptor]',
    )
    await refused(
      stripe.accounts.update(account.id, {
        settings: { payouts: { schedule: { interval: 'monthly', monthly_payout_days: [1] } } },
      }),
      'settings[payouts][schedule][monthly_payout_days]',
    )
    await refused(
      stripe.accounts.update(account.id, { tos_acceptance: loose({ date: 1, colour: 'x' }) }),
      'tos_acceptance[colour]',
    )
    await refused(
      stripe.accounts.create({ controller: { fees: loose({ payer: 'application', colour: 'x' }) } }),
      'controller[fees][colour]',
    )
    // Nothing of the refused requests was applied.
    expect(await stripe.accounts.retrieve(account.id)).toEqual(account)
  })

  it('account links: collect and collection_options', async () => {
    const account = await expressAccount()
    const link = { account: account.id, type: 'account_onboarding' as const }
    await refused(stripe.accountLinks.create({ ...link, collect: 'eventually_due' }), 'collect')
    await refused(
      stripe.accountLinks.create({ ...link, collection_options: { fields: 'eventually_due' } }),
      'collection_options',
    )
  })

  it('customers: the test_clock list filter (test clocks are not modelled)', async () => {
    await refused(stripe.customers.list({ test_clock: 'clock_1' }), 'test_clock')
  })
})

describe('list filters the emulator implements', () => {
  it('PaymentIntents and charges by customer; charges by transfer_group', async () => {
    const { customer, intent } = await customerWithSavedCard()
    const other = await paidIntent('pm_card_visa', { transfer_group: 'rental_rnt_1' })
    const intents = await stripe.paymentIntents.list({ customer: customer.id })
    expect(intents.data.map((item) => item.id)).toEqual([intent.id])
    const charges = await stripe.charges.list({ customer: customer.id })
    expect(charges.data.map((charge) => charge.payment_intent)).toEqual([intent.id])
    const grouped = await stripe.charges.list({ transfer_group: 'rental_rnt_1' })
    expect(grouped.data.map((charge) => charge.payment_intent)).toEqual([other.id])
    expect((await stripe.charges.list({ transfer_group: 'none' })).data).toEqual([])
  })

  it('payouts by arrival_date: exact or a range', async () => {
    const owner = await onboardedAccount()
    const options = { stripeAccount: owner.id }
    await addBalance(1_000, 'usd', owner.id)
    const [first] = await runPayouts(owner.id)
    await advanceClock(2 * 24 * 3600)
    await addBalance(2_000, 'usd', owner.id)
    const [second] = await runPayouts(owner.id)
    const ids = async (arrival: Stripe.PayoutListParams['arrival_date']) =>
      (await stripe.payouts.list({ arrival_date: arrival }, options)).data.map((payout) => payout.id)
    expect(await ids(first!.arrival_date)).toEqual([first!.id])
    expect(await ids({ gte: second!.arrival_date })).toEqual([second!.id])
    expect(await ids({ lt: second!.arrival_date })).toEqual([first!.id])
    expect(await ids({ gt: first!.arrival_date - 1, lte: second!.arrival_date })).toEqual([
      second!.id,
      first!.id,
    ])
  })

  it('events by delivery_success: delivered to the webhook endpoint, or not (yet)', async () => {
    await paidIntent()
    const [first] = await pendingWebhooks()
    await markWebhook(first!.id, true, 200)
    const delivered = await stripe.events.list({ delivery_success: true })
    expect(delivered.data.map((event) => event.id)).toEqual([first!.event_id])
    const pending = await stripe.events.list({ delivery_success: false })
    expect(pending.data.map((event) => event.type)).toEqual(['payment_intent.succeeded', 'charge.succeeded'])
  })

  it('payment methods by allow_redisplay (the emulator’s are all unspecified)', async () => {
    const { customer } = await customerWithSavedCard()
    const unspecified = await stripe.paymentMethods.list({
      customer: customer.id,
      allow_redisplay: 'unspecified',
    })
    expect(unspecified.data).toHaveLength(1)
    expect((await stripe.paymentMethods.list({ allow_redisplay: 'always' })).data).toEqual([])
    const own = await stripe.customers.listPaymentMethods(customer.id, { allow_redisplay: 'limited' })
    expect(own.data).toEqual([])
    await expect(
      stripe.paymentMethods.list({ allow_redisplay: 'sometimes' as 'always' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'allow_redisplay' })
  })
})

describe('PaymentIntent parameters the emulator now carries out', () => {
  it('capture sets statement descriptors, application_fee_amount and transfer_data[amount] on intent and charge', async () => {
    const hold = await paidIntent('pm_card_visa', {
      capture_method: 'manual',
      transfer_data: { destination: 'acct_owner' },
    })
    const captured = await stripe.paymentIntents.capture(hold.id, {
      amount_to_capture: 1_500,
      statement_descriptor: 'BACKLINE RENTAL',
      statement_descriptor_suffix: 'RNT1',
      application_fee_amount: 150,
      transfer_data: { amount: 1_350 },
      expand: ['latest_charge'],
    })
    const fields = {
      statement_descriptor: 'BACKLINE RENTAL',
      statement_descriptor_suffix: 'RNT1',
      application_fee_amount: 150,
      transfer_data: { destination: 'acct_owner', amount: 1_350 },
    }
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 1_500, ...fields })
    expect(captured.latest_charge).toMatchObject({ captured: true, amount_captured: 1_500, ...fields })
    const other = await paidIntent('pm_card_visa', { capture_method: 'manual' })
    await expect(
      stripe.paymentIntents.capture(other.id, { application_fee_amount: 100 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'application_fee_amount' })
    await expect(
      stripe.paymentIntents.capture(other.id, { transfer_data: { amount: 100 } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'transfer_data[amount]' })
  })

  it('update sets statement_descriptor_suffix, transfer_data[amount] and allowed_payment_method_types', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 2_000,
      currency: 'usd',
      transfer_data: { destination: 'acct_owner' },
    })
    const updated = await stripe.paymentIntents.update(intent.id, {
      statement_descriptor_suffix: 'RNT2',
      transfer_data: { amount: 1_800 },
      allowed_payment_method_types: ['card'],
    })
    expect(updated).toMatchObject({
      statement_descriptor_suffix: 'RNT2',
      transfer_data: { destination: 'acct_owner', amount: 1_800 },
      allowed_payment_method_types: ['card'],
      payment_method_types: ['card'],
    })
    await expect(
      stripe.paymentIntents.update(intent.id, { transfer_data: { amount: 2_001 } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'transfer_data[amount]' })
  })

  it('payment_method_types is no parameter on this API version; allowed_payment_method_types must allow card', async () => {
    const removed = loose<Stripe.PaymentIntentCreateParams>({
      amount: 1_000,
      currency: 'usd',
      payment_method_types: ['card'],
    })
    await expect(stripe.paymentIntents.create(removed)).rejects.toMatchObject({
      statusCode: 400,
      code: 'payment_method_types_no_longer_supported',
      param: 'payment_method_types',
    })
    await expect(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        allowed_payment_method_types: ['ideal'],
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'allowed_payment_method_types' })
    await expect(
      stripe.paymentIntents.create({
        amount: 1_000,
        currency: 'usd',
        allowed_payment_method_types: ['card'],
        automatic_payment_methods: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameters_exclusive' })
  })

  it('confirm sets receipt_email; a client_secret must be the intent’s', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const wrong = { payment_method: 'pm_card_visa', client_secret: `${intent.id}_secret_wrong` }
    await expect(
      stripe.paymentIntents.confirm(intent.id, wrong as Stripe.PaymentIntentConfirmParams),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'client_secret',
      message:
        'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
    })
    await expect(
      stripe.paymentIntents.retrieve(intent.id, { client_secret: wrong.client_secret }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'client_secret' })
    expect(await stripe.paymentIntents.retrieve(intent.id, { client_secret: intent.client_secret! })).toEqual(
      intent,
    )
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_visa',
      receipt_email: 'renter@example.com',
      expand: ['latest_charge'],
    })
    expect(confirmed).toMatchObject({
      status: 'succeeded',
      receipt_email: 'renter@example.com',
      latest_charge: { receipt_email: 'renter@example.com' },
    })
  })

  it('3-D Secure with return_url: next_action redirect_to_url; use_stripe_sdk=true: use_stripe_sdk', async () => {
    const returnUrl = 'https://backline.example/pay/done'
    const redirected = await paidIntent('pm_card_authenticationRequired', { return_url: returnUrl })
    expect(redirected).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl } },
    })
    const sdk = await paidIntent('pm_card_authenticationRequired', {
      return_url: returnUrl,
      use_stripe_sdk: true,
    })
    expect(sdk.next_action?.type).toBe('use_stripe_sdk')
  })

  it('confirmation-only parameters need confirm=true; confirmation_method only automatic', async () => {
    const base = { amount: 1_000, currency: 'usd' }
    for (const extra of [{ return_url: 'https://x.example/' }, { error_on_requires_action: true }]) {
      const [param] = Object.keys(extra)
      await expect(stripe.paymentIntents.create({ ...base, ...extra })).rejects.toMatchObject({
        statusCode: 400,
        param,
        message: `${param} can only be used when confirm=true.`,
      })
    }
    await expect(
      stripe.paymentIntents.create({ ...base, confirmation_method: 'manual' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'confirmation_method' })
    const automatic = await stripe.paymentIntents.create({ ...base, confirmation_method: 'automatic' })
    expect(automatic.confirmation_method).toBe('automatic')
  })

  it('create with a test token and confirm=true makes one PaymentMethod, not two', async () => {
    await paidIntent('pm_card_visa')
    expect((await stripe.paymentMethods.list()).data).toHaveLength(1)
  })
})
