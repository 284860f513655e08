import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { resetEmulator } from '../helpers/stripe-emulator'
import { stripe } from './client'
import { expressAccount } from './connect'

beforeEach(async () => {
  await resetEmulator()
})

describe('POST /v1/accounts', () => {
  it('creates an Express account that must still onboard, typed as Stripe.Account', async () => {
    const account: Stripe.Account = await expressAccount({
      business_type: 'individual',
      metadata: { owner_id: 'usr_1' },
    })
    expect(account.id).toMatch(/^acct_1[A-Za-z0-9]{15}$/)
    expect(account).toMatchObject({
      object: 'account',
      type: 'express',
      country: 'US',
      default_currency: 'usd',
      email: 'owner@example.com',
      business_type: 'individual',
      metadata: { owner_id: 'usr_1' },
      details_submitted: false,
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { transfers: 'inactive', card_payments: 'inactive' },
      controller: {
        type: 'application',
        is_controller: true,
        fees: { payer: 'application_express' },
        losses: { payments: 'application' },
        requirement_collection: 'stripe',
        stripe_dashboard: { type: 'express' },
      },
      external_accounts: { object: 'list', data: [], url: `/v1/accounts/${account.id}/external_accounts` },
      settings: { payouts: { schedule: { interval: 'daily', delay_days: 2 } } },
      tos_acceptance: { date: null },
    })
    expect(account.requirements).toMatchObject({ disabled_reason: 'requirements.past_due', errors: [] })
    expect(account.requirements!.currently_due).toEqual(
      expect.arrayContaining([
        'external_account',
        'individual.first_name',
        'individual.last_name',
        'tos_acceptance.date',
        'tos_acceptance.ip',
      ]),
    )
    expect(account.requirements!.currently_due).not.toContain('business_type')
    expect(account.created).toBeTypeOf('number')
  })

  it('takes controller[...] as Stripe does: the Express combination is an express account', async () => {
    const account = await stripe.accounts.create({
      controller: {
        fees: { payer: 'application' },
        losses: { payments: 'application' },
        requirement_collection: 'stripe',
        stripe_dashboard: { type: 'express' },
      },
      capabilities: { transfers: { requested: true } },
      country: 'GB',
    })
    expect(account).toMatchObject({
      type: 'express',
      default_currency: 'gbp',
      controller: { fees: { payer: 'application_express' }, stripe_dashboard: { type: 'express' } },
      capabilities: { transfers: 'inactive' },
    })
    expect(account.requirements!.currently_due).toContain('business_type')
    const standard = await stripe.accounts.create({})
    expect(standard).toMatchObject({ type: 'standard', controller: { stripe_dashboard: { type: 'full' } } })
    const none = await stripe.accounts.create({ controller: { stripe_dashboard: { type: 'none' } } })
    expect(none.type).toBe('none')
  })

  it('refuses unknown parameters and invalid values with Stripe errors', async () => {
    const unknown = stripe.accounts.create({ type: 'express', nickname: 'x' } as Stripe.AccountCreateParams)
    await expect(unknown).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      param: 'nickname',
      message: 'Received unknown parameter: nickname',
    })
    await expect(
      stripe.accounts.create({ type: 'express', capabilities: { teleport: { requested: true } } } as never),
    ).rejects.toMatchObject({ param: 'capabilities[teleport]' })
    await expect(
      stripe.accounts.create({
        type: 'express',
        capabilities: { transfers: { requested: 'maybe' as never } },
      }),
    ).rejects.toMatchObject({
      param: 'capabilities[transfers][requested]',
      message: 'Invalid boolean: maybe',
    })
    await expect(stripe.accounts.create({ type: 'express', email: 'not-an-email' })).rejects.toMatchObject({
      param: 'email',
      message: 'Invalid email address: not-an-email',
    })
    await expect(stripe.accounts.create({ type: 'express', country: 'USA' })).rejects.toMatchObject({
      param: 'country',
    })
    await expect(stripe.accounts.create({ type: 'galactic' as 'express' })).rejects.toMatchObject({
      param: 'type',
    })
    await expect(
      stripe.accounts.create({ type: 'express', controller: { stripe_dashboard: { type: 'express' } } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'controller' })
    await expect(
      stripe.accounts.create({ controller: { requirement_collection: 'application' } }),
    ).rejects.toMatchObject({ param: 'controller[requirement_collection]' })
  })
})

describe('/v1/accounts/:id', () => {
  it('retrieves an account, and refuses an unknown one with account_invalid (403)', async () => {
    const account = await expressAccount()
    expect(await stripe.accounts.retrieve(account.id)).toEqual(account)
    const unknown = stripe.accounts.retrieve('acct_1Unknown0000000')
    await expect(unknown).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError)
    await expect(stripe.accounts.retrieve('acct_1Unknown0000000')).rejects.toMatchObject({
      statusCode: 403,
      code: 'account_invalid',
      message: expect.stringContaining("does not have access to account 'acct_1Unknown0000000'"),
    })
  })

  it('updates what Stripe lets a platform update, recording account.updated on the connected account', async () => {
    const account = await expressAccount({ metadata: { owner_id: 'usr_1' } })
    const updated = await stripe.accounts.update(account.id, {
      email: 'new@example.com',
      metadata: { owner_id: '', listing: 'lst_1' },
      business_profile: { url: 'https://backline.example/owners/1', mcc: '7394' },
      business_type: 'individual',
      settings: { payouts: { schedule: { interval: 'weekly', weekly_anchor: 'friday' } } },
      capabilities: { card_payments: { requested: false } },
    })
    expect(updated).toMatchObject({
      email: 'new@example.com',
      metadata: { listing: 'lst_1' },
      business_profile: { url: 'https://backline.example/owners/1', mcc: '7394' },
      business_type: 'individual',
      capabilities: { transfers: 'inactive' },
      settings: { payouts: { schedule: { interval: 'weekly', weekly_anchor: 'friday' } } },
    })
    expect(updated.capabilities).not.toHaveProperty('card_payments')
    expect(updated.requirements!.currently_due).not.toContain('business_type')
    const events = await stripe.events.list({ type: 'account.updated' }, { stripeAccount: account.id })
    expect(events.data).toHaveLength(1)
    expect(events.data[0]).toMatchObject({
      account: account.id,
      data: {
        object: { id: account.id, email: 'new@example.com' },
        previous_attributes: { email: 'owner@example.com', metadata: { owner_id: 'usr_1' } },
      },
    })
    expect((await stripe.events.list({ type: 'account.updated' })).data).toEqual([])
    const capability = await stripe.events.list({ type: 'capability.updated' }, { stripeAccount: account.id })
    expect(capability.data[0]).toMatchObject({
      account: account.id,
      data: {
        object: { object: 'capability', id: 'card_payments', status: 'unrequested', requested: false },
      },
    })
    await expect(stripe.accounts.update(account.id, { country: 'FR' } as never)).rejects.toMatchObject({
      param: 'country',
    })
  })

  it('records nothing when an update changes nothing', async () => {
    const account = await expressAccount({ metadata: { a: '1' } })
    await stripe.accounts.update(account.id, { metadata: { a: '1' } })
    expect((await stripe.events.list({}, { stripeAccount: account.id })).data).toEqual([])
  })

  it('lists accounts newest first with limit and starting_after', async () => {
    const first = await expressAccount()
    const second = await expressAccount()
    const third = await expressAccount()
    const page = await stripe.accounts.list({ limit: 2 })
    expect(page.data.map((account) => account.id)).toEqual([third.id, second.id])
    expect(page.has_more).toBe(true)
    const next = await stripe.accounts.list({ limit: 2, starting_after: second.id })
    expect(next.data.map((account) => account.id)).toEqual([first.id])
    expect(next.has_more).toBe(false)
  })

  it('deletes an account: { deleted: true }, after which it is unknown', async () => {
    const account = await expressAccount()
    const deleted: Stripe.DeletedAccount = await stripe.accounts.del(account.id)
    expect(deleted).toEqual({ id: account.id, object: 'account', deleted: true })
    await expect(stripe.accounts.retrieve(account.id)).rejects.toMatchObject({ code: 'account_invalid' })
    await expect(stripe.accounts.del(account.id)).rejects.toMatchObject({ statusCode: 403 })
    expect((await stripe.accounts.list()).data).toEqual([])
  })

  it('answers GET /v1/account with the account named by Stripe-Account', async () => {
    const account = await expressAccount()
    expect((await stripe.accounts.retrieveCurrent({}, { stripeAccount: account.id })).id).toBe(account.id)
  })
})
