import { describe, expect, it } from 'vitest'
import { completeOnboarding, disableAccount, setCapability } from '../../emulator/connect'
import { api, expectProblem } from '../../helpers/api'
import { createListing, createUser, type TestUser } from '../../helpers/factories'
import { deliverConnect, onboardedOwner, payoutAccountOf } from '../../helpers/payouts'
import { clearFaults, injectFault, useSettings } from '../../helpers/stripe-emulator'

async function instrumentOf(owner: TestUser) {
  const res = await api('POST', '/api/instruments', {
    token: owner.token,
    body: { name: 'P-Bass', category: 'bass' },
  })
  return res.body.id as string
}

const newListing = async (owner: TestUser, extra: Record<string, unknown> = {}) =>
  api('POST', '/api/listings', {
    token: owner.token,
    body: {
      instrument_id: await instrumentOf(owner),
      title: 'P-Bass',
      daily_rate: 1_500,
      currency: 'usd',
      ...extra,
    },
  })

const activate = (owner: TestUser, listingId: string) =>
  api('POST', `/api/listings/${listingId}/activate`, { token: owner.token })

describe("a listing is offered for rent only when its owner's payout account can receive transfers", () => {
  it('409 payout_account_required to create it active or to activate it without an account; withdrawn is fine', async () => {
    const owner = await createUser()
    const refused = expectProblem(await newListing(owner), 409, 'payout_account_required')
    expect(refused.detail).toContain('onboarding')
    const withdrawn = await newListing(owner, { active: false })
    expect(withdrawn.status).toBe(201)
    expectProblem(await activate(owner, withdrawn.body.id), 409, 'payout_account_required')
    // An account still onboarding is not enough either.
    await payoutAccountOf(owner)
    expectProblem(await activate(owner, withdrawn.body.id), 409, 'payout_account_required')
  })

  it('once onboarded at Stripe the listing goes live, even before any webhook or read told Backline', async () => {
    const owner = await createUser()
    const accountId = await payoutAccountOf(owner)
    const listing = await newListing(owner, { active: false })
    await completeOnboarding(accountId)
    const live = await activate(owner, listing.body.id)
    expect(live.status).toBe(200)
    expect(live.body.active).toBe(true)
    expect((await newListing(owner)).status).toBe(201)
  })

  it('an account that lost its transfers capability, or was disabled, cannot offer more for rent', async () => {
    const owner = await onboardedOwner()
    const listing = await newListing(owner, { active: false })
    await setCapability(owner.accountId, 'transfers', 'inactive')
    // Stripe tells Backline (account.updated, capability.updated on the Connect endpoint).
    expect(await deliverConnect(owner.accountId)).toContain('account.updated:applied')
    expectProblem(await activate(owner, listing.body.id), 409, 'payout_account_required')
    await completeOnboarding(owner.accountId)
    expect((await activate(owner, listing.body.id)).status).toBe(200)
    await disableAccount(owner.accountId)
    await deliverConnect(owner.accountId)
    expectProblem(await newListing(owner), 409, 'payout_account_required')
  })

  it('decides from the copy it has when Stripe cannot be reached', async () => {
    const owner = await createUser()
    const accountId = await payoutAccountOf(owner)
    await completeOnboarding(accountId)
    await injectFault({ kind: 'error_500', count: 10, method: 'GET', path_prefix: '/v1/accounts' })
    try {
      expectProblem(await newListing(owner), 409, 'payout_account_required')
    } finally {
      await clearFaults()
    }
    expect((await newListing(owner)).status).toBe(201)
  })

  it('re-activating a listing that is live, and withdrawing one, need no account', async () => {
    const owner = await createUser()
    const listing = await createListing(owner)
    expect((await activate(owner, listing.id)).status).toBe(200)
    const off = await api('POST', `/api/listings/${listing.id}/deactivate`, { token: owner.token })
    expect(off.body.active).toBe(false)
    expectProblem(await activate(owner, listing.id), 409, 'payout_account_required')
  })

  it('with OWNER_PAYOUTS=off (owners paid another way) there is no gate', async () => {
    const owner = await createUser()
    useSettings({ OWNER_PAYOUTS: 'off' })
    try {
      const listing = await newListing(owner)
      expect(listing.status).toBe(201)
      expect(listing.body.active).toBe(true)
    } finally {
      useSettings({ OWNER_PAYOUTS: 'stripe_connect' })
    }
    expectProblem(await newListing(owner), 409, 'payout_account_required')
  })
})
