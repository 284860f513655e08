import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { payoutAccounts } from '../../../src/adapters/d1/schema'
import { getPayoutAccount, ACCOUNT_STALE_MS } from '../../../src/use-cases/payouts/payout-accounts'
import { completeOnboarding, disableAccount } from '../../emulator/connect'
import { api, expectProblem } from '../../helpers/api'
import { createUser, db, services } from '../../helpers/factories'
import { frontend } from '../../helpers/payments'
import { onboardedOwner, payoutAccountOf } from '../../helpers/payouts'
import { clearFaults, injectFault, stripeEmulator } from '../../helpers/stripe-emulator'

const RETURN_URL = 'https://backline.test/owner/payouts/done'
const REFRESH_URL = 'https://backline.test/owner/payouts/again'

const accountRows = async (userId: string) =>
  (
    await env.DB.prepare('SELECT stripe_account_id FROM payout_accounts WHERE user_id = ?')
      .bind(userId)
      .all<{ stripe_account_id: string }>()
  ).results

/** The connected accounts the emulator holds for a user (Backline puts the user id in their metadata). */
const accountsAtStripe = async (userId: string) =>
  (await frontend.accounts.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(
    (account) => account.metadata?.user_id === userId,
  )

describe('POST /api/me/payout-account', () => {
  it("creates the caller's Express account (201), then returns it (200)", async () => {
    const owner = await createUser()
    const created = await api('POST', '/api/me/payout-account', { token: owner.token })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      account_id: expect.stringMatching(/^acct_/),
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      status: 'onboarding',
    })
    expect(created.body.requirements_due).toContain('external_account')
    const account = await frontend.accounts.retrieve(created.body.account_id)
    expect(account).toMatchObject({ type: 'express', email: owner.email, metadata: { user_id: owner.id } })
    expect(account.capabilities).toMatchObject({ transfers: 'inactive', card_payments: 'inactive' })
    const again = await api('POST', '/api/me/payout-account', { token: owner.token })
    expect(again.status).toBe(200)
    expect(again.body.account_id).toBe(created.body.account_id)
  })

  it('makes one account of concurrent calls: one row in D1, one account at Stripe, one 201', async () => {
    const owner = await createUser()
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api('POST', '/api/me/payout-account', { token: owner.token })),
    )
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 201])
    expect(new Set(answers.map((answer) => answer.body.account_id)).size).toBe(1)
    expect(await accountRows(owner.id)).toHaveLength(1)
    expect(await accountsAtStripe(owner.id)).toHaveLength(1)
  })

  it('503 when Stripe cannot be reached: no row is kept, and the retry makes the one account', async () => {
    const owner = await createUser()
    await injectFault({ kind: 'error_500', count: 10, method: 'POST', path_prefix: '/v1/accounts' })
    try {
      expectProblem(
        await api('POST', '/api/me/payout-account', { token: owner.token }),
        503,
        'stripe_unavailable',
      )
    } finally {
      await clearFaults()
    }
    expect(await accountRows(owner.id)).toEqual([])
    expect((await api('POST', '/api/me/payout-account', { token: owner.token })).status).toBe(201)
    expect(await accountsAtStripe(owner.id)).toHaveLength(1)
  })

  it('a lost answer (Stripe made the account, the API never heard) makes no second account on retry', async () => {
    const owner = await createUser()
    await injectFault({
      kind: 'error_500',
      count: 10,
      method: 'POST',
      path_prefix: '/v1/accounts',
      after: true,
    })
    try {
      expectProblem(
        await api('POST', '/api/me/payout-account', { token: owner.token }),
        503,
        'stripe_unavailable',
      )
    } finally {
      await clearFaults()
    }
    expect(await accountsAtStripe(owner.id)).toHaveLength(1)
    const retried = await api('POST', '/api/me/payout-account', { token: owner.token })
    expect(retried.status).toBe(201)
    expect(await accountsAtStripe(owner.id)).toEqual([
      expect.objectContaining({ id: retried.body.account_id }),
    ])
  })
})

describe('GET /api/me/payout-account', () => {
  it('404 before the caller has one', async () => {
    const user = await createUser()
    expectProblem(
      await api('GET', '/api/me/payout-account', { token: user.token }),
      404,
      'payout_account_not_found',
    )
  })

  it('re-reads an account still onboarding every time: done at Stripe, it is enabled at once', async () => {
    const owner = await createUser()
    const accountId = await payoutAccountOf(owner)
    expect((await api('GET', '/api/me/payout-account', { token: owner.token })).body.status).toBe(
      'onboarding',
    )
    await completeOnboarding(accountId)
    const read = await api('GET', '/api/me/payout-account', { token: owner.token })
    expect(read.body).toEqual({
      account_id: accountId,
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      requirements_due: [],
      status: 'enabled',
    })
  })

  it('an enabled account is read again from Stripe only once its copy is stale', async () => {
    const owner = await onboardedOwner()
    await disableAccount(owner.accountId)
    const now = Date.now()
    const fresh = await getPayoutAccount(services({ now }), owner, new Date(now))
    expect(fresh).toMatchObject({ payoutsEnabled: true, transfersCapability: 'active' })
    const later = new Date(now + ACCOUNT_STALE_MS + 1_000)
    const stale = await getPayoutAccount(services({ now: later }), owner, later)
    expect(stale).toMatchObject({ payoutsEnabled: false, transfersCapability: 'inactive' })
    expect((await api('GET', '/api/me/payout-account', { token: owner.token })).body).toMatchObject({
      status: 'disabled',
      payouts_enabled: false,
    })
  })

  it('answers with the copy it has when Stripe cannot be reached', async () => {
    const owner = await createUser()
    const accountId = await payoutAccountOf(owner)
    await injectFault({ kind: 'error_500', count: 10, method: 'GET', path_prefix: '/v1/accounts' })
    try {
      const read = await api('GET', '/api/me/payout-account', { token: owner.token })
      expect(read.status).toBe(200)
      expect(read.body).toMatchObject({ account_id: accountId, status: 'onboarding' })
    } finally {
      await clearFaults()
    }
  })
})

describe('POST /api/me/payout-account/onboarding-link', () => {
  it("links to the emulator's onboarding page; submitting it onboards the account and returns to return_url", async () => {
    const owner = await createUser()
    const accountId = await payoutAccountOf(owner)
    const link = await api('POST', '/api/me/payout-account/onboarding-link', {
      token: owner.token,
      body: { return_url: RETURN_URL, refresh_url: REFRESH_URL },
    })
    expect(link.status).toBe(200)
    expect(link.body.url).toMatch(/\/_emulator\/connect\/onboarding\//)
    expect(Date.parse(link.body.expires_at)).toBeGreaterThan(Date.now())
    // The owner's browser: the form, then its submission.
    const page = await stripeEmulator.fetch(link.body.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(accountId)
    const submitted = await stripeEmulator.fetch(link.body.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'first_name=Olivia&last_name=Owner&tos=accept',
      redirect: 'manual',
    })
    expect(submitted.status).toBe(303)
    expect(submitted.headers.get('location')).toBe(RETURN_URL)
    expect((await api('GET', '/api/me/payout-account', { token: owner.token })).body.status).toBe('enabled')
    // Used once: the link now sends the owner to refresh_url, to ask for a new one.
    const reused = await stripeEmulator.fetch(link.body.url, { redirect: 'manual' })
    expect(reused.headers.get('location')).toBe(REFRESH_URL)
  })

  it('422 redirect_not_allowed for a URL outside PAYOUT_ONBOARDING_ORIGINS, 400 for one that is no URL', async () => {
    const owner = await createUser()
    await payoutAccountOf(owner)
    const link = (body: Record<string, string>) =>
      api('POST', '/api/me/payout-account/onboarding-link', {
        token: owner.token,
        body: { return_url: RETURN_URL, refresh_url: REFRESH_URL, ...body },
      })
    for (const url of [
      'https://evil.example/phish',
      'http://backline.test/owner',
      'https://backline.test.evil.example/',
      'https://backline.test:8443/owner',
    ]) {
      const refused = expectProblem(await link({ return_url: url }), 422, 'redirect_not_allowed')
      expect(refused.errors).toEqual([
        { path: 'body.return_url', message: expect.stringContaining('allowed origin') },
      ])
    }
    expectProblem(await link({ refresh_url: 'https://evil.example/' }), 422, 'redirect_not_allowed')
    for (const url of ['javascript:alert(1)', 'not a url', 'ftp://backline.test/x'])
      expectProblem(await link({ return_url: url }), 400, 'validation_failed')
  })

  it('404 without a payout account', async () => {
    const user = await createUser()
    expectProblem(
      await api('POST', '/api/me/payout-account/onboarding-link', {
        token: user.token,
        body: { return_url: RETURN_URL, refresh_url: REFRESH_URL },
      }),
      404,
      'payout_account_not_found',
    )
  })
})

describe('payout_accounts', () => {
  it('holds one row per user and per Stripe account (the database refuses a second)', async () => {
    const owner = await onboardedOwner()
    const row = (await db.query.payoutAccounts.findFirst({
      where: (table, { eq }) => eq(table.userId, owner.id),
    }))!
    await expect(
      db.insert(payoutAccounts).values({ ...row, stripeAccountId: 'acct_other' }),
    ).rejects.toThrow()
    const other = await createUser()
    await expect(db.insert(payoutAccounts).values({ ...row, userId: other.id })).rejects.toThrow()
  })
})
