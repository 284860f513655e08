import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { pushWebhooks, resetEmulator } from '../helpers/stripe-emulator'
import { paidIntent, stripe } from './client'
import {
  addBalance,
  CONNECT_WEBHOOK_SECRET,
  configureConnect,
  deliveriesTo,
  disableAccount,
  expressAccount,
  failNextPayout,
  onboardedAccount,
  PLATFORM_WEBHOOK_SECRET,
  runPayouts,
} from './connect'

beforeEach(async () => {
  await resetEmulator()
})

/** Pays 20.00 and transfers `amount` of it to the account. */
async function transferTo(account: string, amount: number, currency = 'usd') {
  const intent = await paidIntent('pm_card_visa', { amount: 2_000, currency })
  return stripe.transfers.create({
    amount,
    currency,
    destination: account,
    source_transaction: intent.latest_charge as string,
  })
}

const available = async (stripeAccount?: string) =>
  (await stripe.balance.retrieve({}, stripeAccount ? { stripeAccount } : {})).available

describe('Stripe-Account', () => {
  it('refuses an unknown account with account_invalid (403)', async () => {
    const call = stripe.balance.retrieve({}, { stripeAccount: 'acct_1Unknown0000000' })
    await expect(call).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError)
    await expect(stripe.payouts.list({}, { stripeAccount: 'acct_1Unknown0000000' })).rejects.toMatchObject({
      statusCode: 403,
      code: 'account_invalid',
      message: expect.stringMatching(
        /^The provided key 'sk_test_\*+ance' does not have access to account 'acct_1Unknown0000000'/,
      ),
    })
  })

  it('scopes objects to the account: the platform and the connected account do not see each other’s', async () => {
    const owner = await onboardedAccount()
    const direct = await stripe.paymentIntents.create(
      { amount: 1_000, currency: 'usd' },
      { stripeAccount: owner.id },
    )
    const platform = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    expect((await stripe.paymentIntents.retrieve(direct.id, {}, { stripeAccount: owner.id })).id).toBe(
      direct.id,
    )
    await expect(stripe.paymentIntents.retrieve(direct.id)).rejects.toMatchObject({ statusCode: 404 })
    await expect(
      stripe.paymentIntents.retrieve(platform.id, {}, { stripeAccount: owner.id }),
    ).rejects.toMatchObject({ statusCode: 404 })
    const [event] = (await stripe.events.list({}, { stripeAccount: owner.id })).data.filter(
      (e) => e.type === 'payment_intent.created',
    )
    expect(event).toMatchObject({ account: owner.id, data: { object: { id: direct.id } } })
  })

  it('scopes idempotency keys per account: one key on two accounts is two requests', async () => {
    const [a, b] = [await onboardedAccount(), await onboardedAccount()]
    const params = { amount: 1_000, currency: 'usd' }
    const onA = await stripe.paymentIntents.create(params, {
      stripeAccount: a.id,
      idempotencyKey: 'same-key',
    })
    const onB = await stripe.paymentIntents.create(params, {
      stripeAccount: b.id,
      idempotencyKey: 'same-key',
    })
    const onPlatform = await stripe.paymentIntents.create(params, { idempotencyKey: 'same-key' })
    expect(new Set([onA.id, onB.id, onPlatform.id]).size).toBe(3)
    const replayed = await stripe.paymentIntents.create(params, {
      stripeAccount: a.id,
      idempotencyKey: 'same-key',
    })
    expect(replayed.id).toBe(onA.id)
    expect((replayed.lastResponse as unknown as Response).headers.get('idempotent-replayed')).toBe('true')
    await expect(
      stripe.paymentIntents.create(
        { ...params, amount: 5 },
        { stripeAccount: b.id, idempotencyKey: 'same-key' },
      ),
    ).rejects.toMatchObject({
      rawType: 'idempotency_error',
      message: expect.stringContaining("Try using a key other than 'same-key'"),
    })
  })
})

describe('GET /v1/balance', () => {
  it('gives the platform its captured charges less refunds and transfers, typed as Stripe.Balance', async () => {
    const balance: Stripe.Balance = await stripe.balance.retrieve()
    expect(balance).toEqual({
      object: 'balance',
      available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
      connect_reserved: [{ amount: 0, currency: 'usd' }],
      livemode: false,
      pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
    })
    const owner = await onboardedAccount()
    const transfer = await transferTo(owner.id, 1_500)
    await stripe.refunds.create({ charge: transfer.source_transaction as string, amount: 200 })
    expect(await available()).toEqual([{ amount: 300, currency: 'usd', source_types: { card: 300 } }])
  })

  it('gives a connected account the transfers it received, per currency, less reversals', async () => {
    const owner = await onboardedAccount({ country: 'FR' })
    expect(await available(owner.id)).toEqual([{ amount: 0, currency: 'eur', source_types: { card: 0 } }])
    await transferTo(owner.id, 1_500, 'eur')
    const usd = await transferTo(owner.id, 700, 'usd')
    await stripe.transfers.createReversal(usd.id, { amount: 200 })
    expect(await available(owner.id)).toEqual([
      { amount: 1_500, currency: 'eur', source_types: { card: 1_500 } },
      { amount: 500, currency: 'usd', source_types: { card: 500 } },
    ])
  })
})

describe('payouts on the daily schedule (POST /_emulator/connect/run-payouts)', () => {
  it('pays out each account’s available balance: payout.created then payout.paid, on the account', async () => {
    const owner = await onboardedAccount()
    const other = await onboardedAccount()
    await transferTo(owner.id, 1_500)
    await transferTo(other.id, 400)
    const payouts = await runPayouts()
    expect(payouts.map((payout) => [payout.amount, payout.status])).toEqual([
      [1_500, 'paid'],
      [400, 'paid'],
    ])
    const [payout] = (await stripe.payouts.list({}, { stripeAccount: owner.id })).data
    expect(payout).toMatchObject({
      object: 'payout',
      amount: 1_500,
      currency: 'usd',
      status: 'paid',
      automatic: true,
      method: 'standard',
      type: 'bank_account',
      destination: owner.external_accounts!.data[0]!.id,
      failure_code: null,
    })
    expect(payout!.id).toMatch(/^po_/)
    expect(await stripe.payouts.retrieve(payout!.id, {}, { stripeAccount: owner.id })).toEqual(payout)
    await expect(stripe.payouts.retrieve(payout!.id)).rejects.toMatchObject({ statusCode: 404 })
    expect((await stripe.payouts.list()).data).toEqual([])
    expect(await available(owner.id)).toEqual([{ amount: 0, currency: 'usd', source_types: { card: 0 } }])

    const events = (await stripe.events.list({}, { stripeAccount: owner.id })).data
    expect(events.filter((e) => e.type.startsWith('payout.')).map((e) => [e.type, e.account])).toEqual([
      ['payout.paid', owner.id],
      ['payout.created', owner.id],
    ])
    const created = events.find((e) => e.type === 'payout.created') as Stripe.PayoutCreatedEvent
    expect(created.data.object.status).toBe('pending')
    expect(await runPayouts()).toEqual([])
  })

  it('fails the next payout of an account marked to: payout.failed with failure_code, funds back', async () => {
    const owner = await onboardedAccount()
    await transferTo(owner.id, 1_500)
    expect(await failNextPayout(owner.id, 'no_account')).toMatchObject({
      account: owner.id,
      failure_code: 'no_account',
    })
    const [failed] = await runPayouts(owner.id)
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'no_account', amount: 1_500 })
    expect(failed!.failure_message).toContain('No bank account could be located')
    expect(failed!.failure_balance_transaction).toMatch(/^txn_/)
    const [event] = (await stripe.events.list({ type: 'payout.failed' }, { stripeAccount: owner.id })).data
    expect(event).toMatchObject({
      account: owner.id,
      data: {
        object: { id: failed!.id, failure_code: 'no_account' },
        previous_attributes: { status: 'pending' },
      },
    })
    expect(await available(owner.id)).toEqual([
      { amount: 1_500, currency: 'usd', source_types: { card: 1_500 } },
    ])
    const [paid] = await runPayouts(owner.id)
    expect(paid).toMatchObject({ status: 'paid', amount: 1_500 })
  })

  it('skips accounts without payouts: disabled, manual schedule, not onboarded', async () => {
    const disabled = await onboardedAccount()
    const manual = await onboardedAccount({ settings: { payouts: { schedule: { interval: 'manual' } } } })
    await transferTo(disabled.id, 100)
    await transferTo(manual.id, 100)
    await disableAccount(disabled.id)
    await addBalance(100, 'usd', (await expressAccount()).id)
    expect(await runPayouts()).toEqual([])
    await expect(runPayouts(manual.id)).rejects.toThrow(/not paid out automatically/)
  })
})

describe('Connect webhooks', () => {
  it('signs connected accounts’ events with the Connect secret, the platform’s with the platform secret', async () => {
    const owner = await onboardedAccount()
    await transferTo(owner.id, 1_000)
    await runPayouts()
    const connect = await deliveriesTo('connect')
    expect(connect.map((delivery) => delivery.event_type)).toEqual(
      expect.arrayContaining(['account.updated', 'payout.created', 'payout.paid']),
    )
    for (const delivery of connect) {
      expect(delivery).toMatchObject({ endpoint: 'connect', account: owner.id })
      const event = await stripe.webhooks.constructEventAsync(
        delivery.payload,
        delivery.signature,
        CONNECT_WEBHOOK_SECRET,
      )
      expect(event.account).toBe(owner.id)
      await expect(
        stripe.webhooks.constructEventAsync(delivery.payload, delivery.signature, PLATFORM_WEBHOOK_SECRET),
      ).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError)
    }
    const platform = await deliveriesTo('platform')
    expect(platform.map((delivery) => delivery.event_type)).toEqual(
      expect.arrayContaining(['payment_intent.succeeded', 'transfer.created']),
    )
    expect(platform.every((delivery) => delivery.endpoint === 'platform' && delivery.account === null)).toBe(
      true,
    )
    const transfer = platform.find((delivery) => delivery.event_type === 'transfer.created')!
    const event = await stripe.webhooks.constructEventAsync(
      transfer.payload,
      transfer.signature,
      PLATFORM_WEBHOOK_SECRET,
    )
    expect(event).not.toHaveProperty('account')
  })

  it('pushes Connect deliveries to CONNECT_WEBHOOK_URL only, platform ones only to WEBHOOK_URL', async () => {
    await configureConnect({ connect_webhook_url: 'https://sink.test/status/200', auto_deliver: false })
    const owner = await onboardedAccount()
    await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' })
    const pushed = await pushWebhooks()
    expect(pushed.length).toBeGreaterThan(0)
    expect(
      pushed.every((delivery) => delivery.endpoint === 'connect' && delivery.status === 'delivered'),
    ).toBe(true)
    expect(await deliveriesTo('platform', 'pending')).toHaveLength(1)
    expect((await deliveriesTo('connect', 'delivered')).every((d) => d.account === owner.id)).toBe(true)
    await configureConnect({ connect_webhook_url: null })
  })
})
