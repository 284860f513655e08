import type Stripe from 'stripe'
import { invalidRequest } from '../lib/errors'
import { newId, randomToken } from '../lib/ids'
import type { Store } from '../store/store'
import { accountCtx } from './accounts'
import { availableFunds } from './balance'
import { type Account, newPayout } from './connect-objects'
import type { Ctx } from './context'
import { emit } from './events'

/** Stripe's payout failure codes and messages (https://docs.stripe.com/api/payouts/failures). */
export const PAYOUT_FAILURES: Record<string, string> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  bank_account_restricted:
    'The bank account has restrictions on either the type, or the number, of payouts allowed.',
  bank_ownership_changed:
    'The destination bank account is no longer valid because its branch has changed ownership.',
  could_not_process: 'The bank could not process this payout.',
  debit_not_authorized: 'Debit transactions are not approved on the bank account.',
  declined: 'The bank has declined this transfer. Please contact the bank before retrying.',
  incorrect_account_holder_name:
    'Your bank notified us that the bank account holder name on file is incorrect.',
  insufficient_funds: 'Your Stripe account has insufficient funds to cover the payout.',
  invalid_account_number: 'The routing number seems correct, but the account number is invalid.',
  invalid_currency: 'The bank was unable to process this payout because of its currency.',
  no_account:
    'The bank account details on file are probably incorrect. No bank account could be located with those details.',
}

interface Failure {
  failure_code: string
  failure_message: string
}

const failureKey = (account: string) => `fail_next_payout:${account}`

/** Emulator-only: the account's next payout fails with this code (the bank returns it). */
export function failNextPayout(
  store: Store,
  account: string,
  code = 'account_closed',
  message?: string,
): Failure {
  if (!PAYOUT_FAILURES[code]) {
    throw invalidRequest(`failure_code must be one of ${Object.keys(PAYOUT_FAILURES).join(', ')}`, {
      param: 'failure_code',
    })
  }
  const failure = { failure_code: code, failure_message: message ?? PAYOUT_FAILURES[code] }
  store.setConfig(failureKey(account), JSON.stringify(failure))
  return failure
}

function takeFailure(store: Store, account: string): Failure | null {
  const raw = store.getConfig(failureKey(account))
  if (!raw) return null
  store.setConfig(failureKey(account), null)
  return JSON.parse(raw) as Failure
}

/** Whether the daily run pays this account out: payouts enabled, not disabled, on an automatic schedule. */
export const paysOut = (account: Account) =>
  account.payouts_enabled &&
  !account.requirements?.disabled_reason &&
  account.settings?.payouts?.schedule.interval !== 'manual'

/**
 * One run of the automatic payout schedule for one connected account: a payout of the whole available
 * balance in each currency (`payout.created`), then paid (`payout.paid`), or failed (`payout.failed`, the
 * funds back on the balance) when the account was marked to fail its next payout.
 */
export function payOut(ctx: Ctx, account: Account): Stripe.Payout[] {
  const own = accountCtx(ctx, account.id)
  const destination = account.external_accounts?.data[0]?.id ?? null
  const payouts: Stripe.Payout[] = []
  const funds = availableFunds(ctx.store, account.id)
  for (const [currency, amount] of Object.entries(funds).sort()) {
    if (amount <= 0) continue
    const payout = newPayout(amount, currency, destination, own.store.now())
    own.store.put(payout)
    emit(own, { type: 'payout.created', object: payout })
    const failure = takeFailure(ctx.store, account.id)
    const previous = { status: payout.status }
    if (failure) {
      Object.assign(payout, { status: 'failed', ...failure, failure_balance_transaction: newId('txn') })
    } else {
      Object.assign(payout, {
        status: 'paid',
        reconciliation_status: 'completed',
        trace_id: { status: 'supported', value: `EMU${randomToken(12).toUpperCase()}` },
      })
    }
    own.store.put(payout)
    emit(own, { type: failure ? 'payout.failed' : 'payout.paid', object: payout, previous })
    payouts.push(payout)
  }
  return payouts
}

/** The daily payout run: every connected account that pays out (or just `only`). */
export function runPayouts(ctx: Ctx, only?: Account): Stripe.Payout[] {
  const accounts = only ? [only] : ctx.store.forAccount(null).list<Account>('account').reverse()
  return accounts.filter(paysOut).flatMap((account) => payOut(ctx, account))
}
