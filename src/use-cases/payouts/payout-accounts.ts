import { eq, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import { prepare, runBatchNamed, selectRows } from '../../adapters/d1/client'
import { recordEventStatement } from '../../adapters/d1/payment-statements'
import { payoutAccounts, type PayoutAccount } from '../../adapters/d1/schema'
import { retryFailedPayoutsStatements } from '../../adapters/d1/payout-statements'
import { callStripe } from '../../adapters/stripe/client'
import type { Actor } from '../../domain/access'
import { canReceiveTransfers, payoutAccountStatus } from '../../domain/payouts'
import type { Trigger } from '../../domain/state-machines'
import { ApiError } from '../../lib/errors'
import { nowIso } from '../../lib/time'
import type { Services } from '../context'

/*
 * An owner's Stripe connected account (Express): created once per user, onboarded on Stripe's hosted pages,
 * and copied into payout_accounts whenever Stripe is asked about it.
 */

/** An account copy older than this is read again from Stripe by GET /api/me/payout-account. */
export const ACCOUNT_STALE_MS = 10 * 60_000

type Deps = Pick<Services, 'db' | 'stripe' | 'logger'>

/** The account as the API shows it. */
export function toPayoutAccountJson(account: PayoutAccount) {
  return {
    account_id: account.stripeAccountId,
    charges_enabled: account.chargesEnabled,
    payouts_enabled: account.payoutsEnabled,
    details_submitted: account.detailsSubmitted,
    requirements_due: JSON.parse(account.requirementsDue) as string[],
    status: payoutAccountStatus(account),
  }
}

/** What Stripe says of an account, as payout_accounts keeps it. */
function copyOf(account: Stripe.Account) {
  const requirements = account.requirements
  const due = new Set([...(requirements?.currently_due ?? []), ...(requirements?.past_due ?? [])])
  return {
    chargesEnabled: account.charges_enabled ?? false,
    payoutsEnabled: account.payouts_enabled ?? false,
    detailsSubmitted: account.details_submitted ?? false,
    transfersCapability: account.capabilities?.transfers ?? null,
    disabledReason: requirements?.disabled_reason ?? null,
    requirementsDue: JSON.stringify([...due].sort()),
  }
}

/** A row read with raw SQL (selectRows): SQLite's 0/1 as the booleans Drizzle reads. */
const asAccount = (row: unknown): PayoutAccount | undefined => {
  if (!row) return undefined
  const raw = row as PayoutAccount
  return {
    ...raw,
    chargesEnabled: Boolean(raw.chargesEnabled),
    payoutsEnabled: Boolean(raw.payoutsEnabled),
    detailsSubmitted: Boolean(raw.detailsSubmitted),
  }
}

const findAccount = (deps: Pick<Services, 'db'>, userId: string) =>
  deps.db.query.payoutAccounts.findFirst({ where: eq(payoutAccounts.userId, userId) })

/**
 * Creates the caller's connected account, or returns the one they have. Two concurrent calls make one
 * account: Stripe gets the same idempotency key (derived from the user id) and the same parameters, so it
 * answers both with one account, and the user id is payout_accounts' key, so one row is kept.
 */
export async function createPayoutAccount(
  deps: Deps,
  user: Actor & { email: string },
): Promise<{ account: PayoutAccount; created: boolean }> {
  const existing = await findAccount(deps, user.id)
  if (existing) return { account: existing, created: false }
  const account = await callStripe(() =>
    deps.stripe.accounts.create(
      {
        type: 'express',
        email: user.email,
        capabilities: { transfers: { requested: true }, card_payments: { requested: true } },
        metadata: { user_id: user.id },
      },
      { idempotencyKey: `backline:payout-account:${user.id}` },
    ),
  )
  const now = nowIso()
  const read = await runBatchNamed(
    deps.db,
    [
      prepare(
        deps.db,
        sql`INSERT INTO payout_accounts (user_id, stripe_account_id, ${copyColumns}, refreshed_at, created_at,
          updated_at)
        VALUES (${user.id}, ${account.id}, ${rowValues(copyOf(account))}, ${now}, ${now}, ${now})
        ON CONFLICT (user_id) DO NOTHING`,
      ),
    ],
    {
      created: prepare(deps.db, sql`SELECT changes() AS created`),
      account: selectRows(deps.db, payoutAccounts, sql`user_id = ${user.id}`),
    },
  )
  const created = (read.created.results[0] as { created: number }).created === 1
  if (created) deps.logger.info('payout account created', { user_id: user.id, account_id: account.id })
  return { account: asAccount(read.account.results[0])!, created }
}

/** The columns of payout_accounts that copyOf fills, in rowValues' order. */
const copyColumns = sql.raw(
  'charges_enabled, payouts_enabled, details_submitted, transfers_capability, disabled_reason, requirements_due',
)

const rowValues = (copy: ReturnType<typeof copyOf>) =>
  sql`${copy.chargesEnabled ? 1 : 0}, ${copy.payoutsEnabled ? 1 : 0}, ${copy.detailsSubmitted ? 1 : 0},
    ${copy.transfersCapability}, ${copy.disabledReason}, ${copy.requirementsDue}`

/** The caller's account (404 when they have none), read again from Stripe when its copy is stale. */
export async function getPayoutAccount(deps: Deps, user: Actor, now: Date): Promise<PayoutAccount> {
  const account = await findAccount(deps, user.id)
  if (!account) throw noAccount()
  return currentAccount(deps, account, now)
}

/**
 * The copy when it says the account can receive transfers and is fresh; otherwise the account read again from
 * Stripe (an account still onboarding is read every time: the owner is likely just back from Stripe's pages),
 * or the copy when Stripe cannot answer.
 */
async function currentAccount(deps: Deps, account: PayoutAccount, now: Date): Promise<PayoutAccount> {
  if (canReceiveTransfers(account) && !isStale(account, now)) return account
  return (await refreshQuietly(deps, account, 'api')) ?? account
}

const noAccount = () =>
  new ApiError(
    'payout_account_not_found',
    'You have no payout account yet: create it with POST /api/me/payout-account',
  )

/**
 * Reads an account from Stripe and keeps the copy; when it can receive transfers, the owner's failed payouts
 * are scheduled again (same batch). `event`: the webhook event that asked, recorded in the batch.
 */
export async function refreshAccount(
  deps: Deps,
  stripeAccountId: string,
  source: Trigger,
  event?: { id: string; type: string; created?: number },
): Promise<PayoutAccount | undefined> {
  const account = await callStripe(() => deps.stripe.accounts.retrieve(stripeAccountId))
  return storeAccount(deps, account, source, event)
}

/** Keeps Stripe's account in payout_accounts (if it is one of ours) and retries its owner's failed payouts. */
async function storeAccount(
  deps: Pick<Services, 'db'>,
  account: Stripe.Account,
  source: Trigger,
  event?: { id: string; type: string },
): Promise<PayoutAccount | undefined> {
  const now = nowIso()
  const copy = copyOf(account)
  const owner = sql`(SELECT user_id FROM payout_accounts WHERE stripe_account_id = ${account.id})`
  const statements = [
    ...(event ? [recordEventStatement(deps.db, { ...event, objectId: account.id }, now)] : []),
    prepare(
      deps.db,
      sql`UPDATE payout_accounts SET (${copyColumns}) = (${rowValues(copy)}), refreshed_at = ${now},
        updated_at = ${now}
      WHERE stripe_account_id = ${account.id}`,
    ),
  ]
  const read = await runBatchNamed(
    deps.db,
    [...statements, ...retryFailedPayoutsStatements(deps.db, { owner, source, now })],
    { account: selectRows(deps.db, payoutAccounts, sql`stripe_account_id = ${account.id}`) },
  )
  return asAccount(read.account.results[0])
}

/** refreshAccount, or undefined (logged) when Stripe cannot answer: the copy stands. */
async function refreshQuietly(deps: Deps, account: PayoutAccount, source: Trigger) {
  try {
    return await refreshAccount(deps, account.stripeAccountId, source)
  } catch (error) {
    deps.logger.warn('could not refresh a payout account from Stripe', {
      account_id: account.stripeAccountId,
      error: String(error),
    })
    return undefined
  }
}

/** Where an onboarding link may send the owner back: an origin of PAYOUT_ONBOARDING_ORIGINS. */
function checkReturnUrl(allowed: readonly string[], url: string, path: string) {
  let origin: string | undefined
  try {
    origin = new URL(url).origin
  } catch {
    origin = undefined
  }
  if (origin && allowed.includes(origin)) return
  throw new ApiError('redirect_not_allowed', `Invalid ${path}: not an allowed origin`, {
    errors: [
      {
        path,
        message: `Must start with an allowed origin (PAYOUT_ONBOARDING_ORIGINS: ${allowed.join(', ') || 'none'})`,
      },
    ],
  })
}

/** An Account Link to Stripe's hosted onboarding (it expires within minutes: ask for one when needed). */
export async function onboardingLink(
  deps: Deps & Pick<Services, 'settings'>,
  user: Actor,
  urls: { return_url: string; refresh_url: string },
) {
  const allowed = deps.settings.PAYOUT_ONBOARDING_ORIGINS
  checkReturnUrl(allowed, urls.return_url, 'body.return_url')
  checkReturnUrl(allowed, urls.refresh_url, 'body.refresh_url')
  const account = await findAccount(deps, user.id)
  if (!account) throw noAccount()
  const link = await callStripe(() =>
    deps.stripe.accountLinks.create({
      account: account.stripeAccountId,
      type: 'account_onboarding',
      return_url: urls.return_url,
      refresh_url: urls.refresh_url,
    }),
  )
  return { url: link.url, expires_at: new Date(link.expires_at * 1000).toISOString() }
}

/**
 * Whether an owner can be paid: their account can receive transfers. The copy decides when it says yes and
 * is fresh (account.updated keeps it so); otherwise it is read again from Stripe first (the owner may have
 * just finished onboarding), unless Stripe cannot answer, when the copy decides.
 */
export async function ownerCanBePaid(deps: Deps, ownerId: string, now: Date): Promise<boolean> {
  const account = await findAccount(deps, ownerId)
  if (!account) return false
  return canReceiveTransfers(await currentAccount(deps, account, now))
}

const isStale = (account: PayoutAccount, now: Date) =>
  now.getTime() - Date.parse(account.refreshedAt) > ACCOUNT_STALE_MS

/** An account whose owner has failed payouts is read again by the cron at most this often. */
const FAILED_OWNER_REFRESH_MS = 60 * 60_000

/**
 * The cron's safety net for a lost account.updated: the accounts of owners with failed payouts, least
 * recently read first and at most hourly each, are read again from Stripe; one that can receive transfers
 * again has its owner's failed payouts scheduled (refreshAccount). Returns the account ids read.
 */
export async function refreshAccountsWithFailedPayouts(
  deps: Deps,
  now: Date,
  limit: number,
  attempt: (id: string, work: () => Promise<void>) => Promise<void>,
) {
  const before = new Date(now.getTime() - FAILED_OWNER_REFRESH_MS).toISOString()
  const { results } = await deps.db.$client
    .prepare(
      // The failed payouts (an index range), then each one's owner's account (its primary key).
      `SELECT DISTINCT a.stripe_account_id AS id, a.refreshed_at FROM payouts po
      JOIN payout_accounts a ON a.user_id = po.owner_id
      WHERE po.status = 'failed' AND a.refreshed_at < ?1 ORDER BY a.refreshed_at LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ id: string }>()
  for (const { id } of results)
    await attempt(id, async () => void (await refreshAccount(deps, id, 'reconciler')))
  return results.length
}
