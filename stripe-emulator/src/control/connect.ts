import type Stripe from 'stripe'
import { completeOnboarding, disableAccount, findAccount, setCapability } from '../domain/accounts'
import { adjustBalance } from '../domain/balance'
import { failNextPayout, paysOut, runPayouts } from '../domain/payouts'
import { invalidRequest } from '../lib/errors'
import { type Control, emulatorCtx, oneOf } from './types'

/** Stripe's reasons for an account being disabled (`requirements.disabled_reason`). */
const DISABLED_REASONS: readonly Stripe.Account.Requirements.DisabledReason[] = [
  ...['action_required.requested_capabilities', 'listed', 'other', 'platform_paused', 'rejected.fraud'],
  ...['rejected.incomplete_verification', 'rejected.listed', 'rejected.other', 'rejected.platform_fraud'],
  ...['rejected.platform_other', 'rejected.platform_terms_of_service', 'rejected.terms_of_service'],
  ...['requirements.past_due', 'requirements.pending_verification', 'under_review'],
] as Stripe.Account.Requirements.DisabledReason[]

const CAPABILITY_STATUSES = ['active', 'inactive', 'pending', 'unrequested'] as const

function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalidRequest(`${name} must be a string`, { param: name })
  return value
}

/** Connect controls (stripe-emulator/README.md): onboarding, disabling, capabilities, payouts, balances. */
export const CONNECT_CONTROLS: [string, string, Control][] = [
  [
    'POST',
    '/_emulator/accounts/:id/enable',
    ({ store }, _body, id) => completeOnboarding(emulatorCtx(store), findAccount(store, id, 'id')),
  ],
  [
    'POST',
    '/_emulator/accounts/:id/disable',
    ({ store }, body, id) => {
      const reason = oneOf(body, 'reason', DISABLED_REASONS, 'requirements.past_due')
      return disableAccount(emulatorCtx(store), findAccount(store, id, 'id'), reason)
    },
  ],
  [
    'POST',
    '/_emulator/accounts/:id/capabilities/:capability',
    ({ store }, body, id, _url, capability) => {
      const status = oneOf(body, 'status', CAPABILITY_STATUSES)
      return setCapability(emulatorCtx(store), findAccount(store, id, 'id'), capability, status)
    },
  ],
  [
    'POST',
    '/_emulator/accounts/:id/fail-next-payout',
    ({ store }, body, id) => {
      const account = findAccount(store, id, 'id')
      const failure = failNextPayout(
        store,
        account.id,
        optionalText(body, 'failure_code'),
        optionalText(body, 'failure_message'),
      )
      return { account: account.id, ...failure }
    },
  ],
  [
    'POST',
    '/_emulator/connect/run-payouts',
    ({ store }, body) => {
      const id = optionalText(body, 'account')
      const account = id === undefined ? undefined : findAccount(store, id, 'account')
      if (account && !paysOut(account)) {
        throw invalidRequest(
          `Account ${account.id} is not paid out automatically: payouts must be enabled, the account not disabled and its payout schedule not manual.`,
          { param: 'account' },
        )
      }
      return { object: 'list', data: runPayouts(emulatorCtx(store), account) }
    },
  ],
  [
    'POST',
    '/_emulator/balance/add',
    ({ store }, body) => {
      const id = optionalText(body, 'account')
      const account = id === undefined ? null : findAccount(store, id, 'account').id
      const currency = optionalText(body, 'currency') ?? 'usd'
      const amount = body.amount
      if (typeof amount !== 'number') throw invalidRequest('amount must be an integer', { param: 'amount' })
      return { account, available: adjustBalance(store, account, currency, amount) }
    },
  ],
]
