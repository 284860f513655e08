import type Stripe from 'stripe'
import { previousAttributes } from '../lib/diff'
import { resourceMissing } from '../lib/errors'
import type { Store } from '../store/store'
import { type Account, newBankAccount, newCapability, requirements } from './connect-objects'
import type { Ctx } from './context'
import { emit } from './events'

/** A capability status as the Account object lists it (`Stripe.Account.Capabilities.*` are all this). */
export type CapabilityStatus = Stripe.Account.Capabilities.Transfers
export type Capabilities = Record<string, CapabilityStatus>

export const capabilitiesOf = (account: Account) => (account.capabilities ?? {}) as Capabilities

/** The platform's view of the storage, whatever `Stripe-Account` the request named: accounts live there. */
export const platformCtx = (ctx: Ctx): Ctx => ({ store: ctx.store.forAccount(null), request: ctx.request })

/** The connected account's own scope: its events carry `account` and go to the Connect endpoint. */
export const accountCtx = (ctx: Ctx, accountId: string): Ctx => ({
  store: ctx.store.forAccount(accountId),
  request: ctx.request,
})

export function findAccount(store: Store, id: string, param = 'account'): Account {
  const account = store.forAccount(null).get<Account>(id, 'account')
  if (!account) throw resourceMissing('account', id, param)
  return account
}

/** Whether the account is fully onboarded and not disabled, so a newly requested capability is active. */
export const isVerified = (account: Account) =>
  account.details_submitted && !account.requirements?.disabled_reason

/**
 * Saves the account and, when anything changed, records `account.updated` (with `previous_attributes`) on the
 * connected account, then `capability.updated` for each capability whose status moved, as Stripe does.
 */
export function saveAccount(ctx: Ctx, before: Account, after: Account): Account {
  const platform = platformCtx(ctx)
  platform.store.put(after)
  const previous = previousAttributes(before, after)
  if (Object.keys(previous).length === 0) return after
  const own = accountCtx(ctx, after.id)
  emit(own, {
    type: 'account.updated',
    object: after,
    previous: previous as Stripe.AccountUpdatedEvent['data']['previous_attributes'],
  })
  const [was, now] = [capabilitiesOf(before), capabilitiesOf(after)]
  for (const capability of new Set([...Object.keys(was), ...Object.keys(now)])) {
    if (was[capability] === now[capability]) continue
    emit(own, {
      type: 'capability.updated',
      object: newCapability(after, capability, now[capability] ?? 'unrequested'),
      previous: { status: (was[capability] ?? 'unrequested') as Stripe.Capability.Status },
    })
  }
  return after
}

/** What completing Stripe's hosted onboarding does: every requirement met, requested capabilities active. */
export function completeOnboarding(ctx: Ctx, account: Account): Account {
  const now = ctx.store.now()
  const after = structuredClone(account)
  const capabilities: Capabilities = {}
  for (const name of Object.keys(capabilitiesOf(account))) capabilities[name] = 'active'
  const externalAccounts = account.external_accounts?.data.length
    ? account.external_accounts
    : {
        object: 'list' as const,
        data: [newBankAccount(account)],
        has_more: false,
        url: `/v1/accounts/${account.id}/external_accounts`,
      }
  Object.assign(after, {
    business_type: account.business_type ?? 'individual',
    capabilities,
    charges_enabled: true,
    details_submitted: true,
    external_accounts: externalAccounts,
    future_requirements: requirements([], null),
    payouts_enabled: true,
    requirements: requirements([], null),
    tos_acceptance: {
      date: account.tos_acceptance?.date ?? now,
      ip: account.tos_acceptance?.ip ?? '127.0.0.1',
      user_agent: account.tos_acceptance?.user_agent ?? 'Stripe emulator onboarding',
    },
  } satisfies Partial<Account>)
  return saveAccount(ctx, account, after)
}

/** The requirement Stripe typically asks for when it stops an account (an identity document). */
const DOCUMENT = 'individual.verification.document'

/** Stripe stops the account: charges and payouts disabled, capabilities inactive, a disabled_reason. */
export function disableAccount(
  ctx: Ctx,
  account: Account,
  reason: Stripe.Account.Requirements.DisabledReason,
): Account {
  const after = structuredClone(account)
  const capabilities: Capabilities = {}
  for (const name of Object.keys(capabilitiesOf(account))) capabilities[name] = 'inactive'
  const due = account.requirements?.currently_due ?? []
  const needed = reason === 'requirements.past_due' ? [...new Set([...due, DOCUMENT])].sort() : due
  Object.assign(after, {
    capabilities,
    charges_enabled: false,
    payouts_enabled: false,
    requirements: { ...requirements(needed, reason), current_deadline: null },
  } satisfies Partial<Account>)
  return saveAccount(ctx, account, after)
}

/** Sets one capability's status (`unrequested` removes it); card_payments also decides charges_enabled. */
export function setCapability(
  ctx: Ctx,
  account: Account,
  capability: string,
  status: CapabilityStatus | 'unrequested',
): Account {
  const after = structuredClone(account)
  const capabilities = { ...capabilitiesOf(account) }
  if (status === 'unrequested') delete capabilities[capability]
  else capabilities[capability] = status
  after.capabilities = capabilities as Stripe.Account.Capabilities
  if (capability === 'card_payments') after.charges_enabled = status === 'active' && isVerified(account)
  return saveAccount(ctx, account, after)
}
