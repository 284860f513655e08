import { env } from 'cloudflare:test'
import type Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { advanceClock, EMULATOR_NAMESPACE, resetEmulator } from '../helpers/stripe-emulator'
import { stripe } from './client'
import {
  completeOnboarding,
  deliveriesTo,
  disableAccount,
  expressAccount,
  onboardedAccount,
  setCapability,
} from './connect'

/** The bare binding: a browser following a link sends no namespace header, only the link's own query. */
const browser = (env as unknown as { STRIPE_EMULATOR: Fetcher }).STRIPE_EMULATOR

const RETURN_URL = 'https://backline.example/owner/onboarding/done'
const REFRESH_URL = 'https://backline.example/owner/onboarding/retry'

beforeEach(async () => {
  await resetEmulator()
})

const linkFor = (account: string) =>
  stripe.accountLinks.create({
    account,
    type: 'account_onboarding',
    refresh_url: REFRESH_URL,
    return_url: RETURN_URL,
  })

const submit = (url: string, form: Record<string, string> = { tos: 'accept', first_name: 'Jenny' }) =>
  browser.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  })

describe('POST /v1/account_links', () => {
  it('answers an account_link pointing at the emulator’s own onboarding page, expiring in 300 s', async () => {
    const account = await expressAccount()
    const link: Stripe.AccountLink = await linkFor(account.id)
    expect(Object.keys(link).sort()).toEqual(['created', 'expires_at', 'object', 'url'])
    expect(link.object).toBe('account_link')
    expect(link.expires_at).toBe(link.created + 300)
    const url = new URL(link.url)
    expect(url.pathname).toMatch(/^\/_emulator\/connect\/onboarding\/alink_[A-Za-z0-9]{32}$/)
    expect(url.searchParams.get('namespace')).toBe(EMULATOR_NAMESPACE)
  })

  it('refuses a missing type, an unknown account and an invalid URL', async () => {
    const account = await expressAccount()
    await expect(
      stripe.accountLinks.create({ account: account.id } as Stripe.AccountLinkCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'type' })
    await expect(
      stripe.accountLinks.create({ account: 'acct_1Unknown0000000', type: 'account_onboarding' }),
    ).rejects.toMatchObject({ statusCode: 403, code: 'account_invalid' })
    await expect(
      stripe.accountLinks.create({ account: account.id, type: 'account_onboarding', return_url: 'nope' }),
    ).rejects.toMatchObject({ param: 'return_url', message: 'Not a valid URL' })
  })
})

describe('the onboarding page', () => {
  it('is an HTML form; submitting it completes the account and redirects (303) to return_url', async () => {
    const account = await expressAccount()
    const link = await linkFor(account.id)
    const page = await browser.fetch(link.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('<form method="post">')
    expect(html).toContain(account.id)

    const submitted = await submit(link.url)
    expect(submitted.status).toBe(303)
    expect(submitted.headers.get('location')).toBe(RETURN_URL)

    const done = await stripe.accounts.retrieve(account.id)
    expect(done).toMatchObject({
      details_submitted: true,
      charges_enabled: true,
      payouts_enabled: true,
      capabilities: { transfers: 'active', card_payments: 'active' },
      requirements: { currently_due: [], eventually_due: [], past_due: [], disabled_reason: null },
      tos_acceptance: { ip: '127.0.0.1' },
    })
    expect(done.tos_acceptance!.date).toBeTypeOf('number')
    expect(done.external_accounts!.data).toMatchObject([
      { object: 'bank_account', account: account.id, last4: '6789', currency: 'usd' },
    ])

    const events = await stripe.events.list({}, { stripeAccount: account.id })
    expect(events.data.map((event) => event.type).sort()).toEqual([
      'account.updated',
      'capability.updated',
      'capability.updated',
    ])
    const updated = events.data.find(
      (event) => event.type === 'account.updated',
    ) as Stripe.AccountUpdatedEvent
    expect(updated.account).toBe(account.id)
    expect(updated.request).toEqual({ id: null, idempotency_key: null })
    expect(updated.data.object).toMatchObject({ id: account.id, details_submitted: true })
    expect(updated.data.previous_attributes).toMatchObject({
      details_submitted: false,
      charges_enabled: false,
      payouts_enabled: false,
    })
    const deliveries = await deliveriesTo('connect')
    expect(deliveries.map((delivery) => delivery.account)).toEqual([account.id, account.id, account.id])
  })

  it('sends a used link, or an expired one, to refresh_url', async () => {
    const account = await expressAccount()
    const link = await linkFor(account.id)
    expect((await submit(link.url)).headers.get('location')).toBe(RETURN_URL)
    const again = await browser.fetch(link.url, { redirect: 'manual' })
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe(REFRESH_URL)
    expect((await submit(link.url)).headers.get('location')).toBe(REFRESH_URL)

    const other = await expressAccount()
    const expiring = await linkFor(other.id)
    await advanceClock(301)
    const expired = await browser.fetch(expiring.url, { redirect: 'manual' })
    expect(expired.headers.get('location')).toBe(REFRESH_URL)
    expect((await submit(expiring.url)).headers.get('location')).toBe(REFRESH_URL)
    expect((await stripe.accounts.retrieve(other.id)).details_submitted).toBe(false)
  })

  it('asks again when the agreement is not accepted, and knows no unknown link', async () => {
    const account = await expressAccount()
    const link = await linkFor(account.id)
    const refused = await submit(link.url, { first_name: 'Jenny' })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('Accept the agreement')
    expect((await stripe.accounts.retrieve(account.id)).details_submitted).toBe(false)
    const unknown = await browser.fetch(
      `${new URL(link.url).origin}/_emulator/connect/onboarding/alink_nope`,
      {
        headers: { 'x-emulator-namespace': EMULATOR_NAMESPACE },
      },
    )
    expect(unknown.status).toBe(404)
  })
})

describe('account controls', () => {
  it('/enable completes onboarding without the page', async () => {
    const account = await expressAccount()
    const done = await completeOnboarding(account.id)
    expect(done).toMatchObject({ details_submitted: true, charges_enabled: true, payouts_enabled: true })
    expect(await stripe.accounts.retrieve(account.id)).toEqual(done)
  })

  it('/disable stops the account: disabled_reason, charges and payouts off, capabilities inactive', async () => {
    const account = await onboardedAccount()
    const disabled = await disableAccount(account.id)
    expect(disabled).toMatchObject({
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { transfers: 'inactive', card_payments: 'inactive' },
      requirements: {
        disabled_reason: 'requirements.past_due',
        currently_due: ['individual.verification.document'],
        past_due: ['individual.verification.document'],
      },
    })
    const [event] = (await stripe.events.list({ type: 'account.updated' }, { stripeAccount: account.id }))
      .data
    expect(event).toMatchObject({
      account: account.id,
      data: { object: { payouts_enabled: false }, previous_attributes: { payouts_enabled: true } },
    })
    const fraud = await disableAccount((await onboardedAccount()).id, 'rejected.fraud')
    expect(fraud.requirements).toMatchObject({ disabled_reason: 'rejected.fraud', currently_due: [] })
    const enabled = await completeOnboarding(account.id)
    expect(enabled).toMatchObject({ payouts_enabled: true, requirements: { disabled_reason: null } })
  })

  it('/capabilities/:capability sets one capability; card_payments decides charges_enabled', async () => {
    const account = await onboardedAccount()
    const withoutTransfers = await setCapability(account.id, 'transfers', 'inactive')
    expect(withoutTransfers).toMatchObject({
      capabilities: { transfers: 'inactive', card_payments: 'active' },
      charges_enabled: true,
    })
    const [event] = (await stripe.events.list({ type: 'capability.updated' }, { stripeAccount: account.id }))
      .data
    expect(event).toMatchObject({
      data: { object: { id: 'transfers', status: 'inactive' }, previous_attributes: { status: 'active' } },
    })
    expect(await setCapability(account.id, 'card_payments', 'pending')).toMatchObject({
      charges_enabled: false,
    })
    const removed = await setCapability(account.id, 'transfers', 'unrequested')
    expect(removed.capabilities).not.toHaveProperty('transfers')
  })
})
