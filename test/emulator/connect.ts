import type Stripe from 'stripe'
import { stripeEmulator, type WebhookDelivery } from '../helpers/stripe-emulator'
import { stripe } from './client'

/** Typed helpers for the emulator's Connect controls (stripe-emulator/README.md, "Connect"). */

/** The Connect endpoint's secret in vitest.config.ts (the emulator's STRIPE_CONNECT_WEBHOOK_SECRET). */
export const CONNECT_WEBHOOK_SECRET = 'whsec_test_backline_connect'
export const PLATFORM_WEBHOOK_SECRET = 'whsec_test_backline_emulator'

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await stripeEmulator.fetch(`https://stripe-emulator/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await response.json()
  if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  return json as T
}

/** Completes onboarding as the hosted page does: requirements met, requested capabilities active. */
export const completeOnboarding = (accountId: string) =>
  control<Stripe.Account>('POST', `accounts/${accountId}/enable`, {})

export const disableAccount = (accountId: string, reason?: string) =>
  control<Stripe.Account>('POST', `accounts/${accountId}/disable`, reason ? { reason } : {})

export const setCapability = (accountId: string, capability: string, status: string) =>
  control<Stripe.Account>('POST', `accounts/${accountId}/capabilities/${capability}`, { status })

export const failNextPayout = (accountId: string, failureCode?: string) =>
  control<{ account: string; failure_code: string; failure_message: string }>(
    'POST',
    `accounts/${accountId}/fail-next-payout`,
    failureCode ? { failure_code: failureCode } : {},
  )

/** The daily automatic payout run, for every connected account or one. */
export const runPayouts = async (accountId?: string) =>
  (
    await control<{ data: Stripe.Payout[] }>(
      'POST',
      'connect/run-payouts',
      accountId ? { account: accountId } : {},
    )
  ).data

/** Adds available funds to the platform (no account) or a connected account. */
export const addBalance = (amount: number, currency = 'usd', accountId?: string) =>
  control<{ available: Record<string, number> }>('POST', 'balance/add', {
    amount,
    currency,
    account: accountId,
  })

export const deliveriesTo = async (endpoint: 'platform' | 'connect', status?: string) =>
  (
    await control<{ data: WebhookDelivery[] }>(
      'GET',
      `webhooks?endpoint=${endpoint}${status ? `&status=${status}` : ''}`,
    )
  ).data

export const configureConnect = (config: { connect_webhook_url?: string | null; auto_deliver?: boolean }) =>
  control<{ connect_webhook_url: string | null }>('POST', 'config', config)

/** A new Express account in the US requesting transfers and card payments, as Backline creates them. */
export const expressAccount = (extra: Stripe.AccountCreateParams = {}) =>
  stripe.accounts.create({
    type: 'express',
    country: 'US',
    email: 'owner@example.com',
    capabilities: { transfers: { requested: true }, card_payments: { requested: true } },
    ...extra,
  })

/** An Express account that has completed onboarding. */
export async function onboardedAccount(extra: Stripe.AccountCreateParams = {}) {
  const account = await expressAccount(extra)
  return completeOnboarding(account.id)
}
