import { createRoute } from '@hono/zod-openapi'
import * as z from '../../lib/zod'
import { JSON_BODY, NO_BODY, problemResponses, SIGNED_IN, STRIPE } from '../error-responses'
import { jsonBody, jsonContent, lazySchema, security } from '../schemas'
import { requireAuth } from '../../middleware/auth'
import { CSV_COLUMNS } from '../../use-cases/payouts/earnings'
import {
  EarningsQuery,
  EarningsSchema,
  OnboardingLinkBody,
  OnboardingLinkSchema,
  PayoutAccountSchema,
  PayoutListQuery,
  PayoutPage,
} from './payouts.schemas'

const common = { tags: ['payouts'], security }

const earningsCsvSchema = lazySchema(() =>
  z.string().openapi({
    description: "The statement's lines, a header row first; amounts in integer minor units",
    example: `${CSV_COLUMNS.join(',')}\r\n`,
  }),
)

export const createAccount = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/me/payout-account',
  summary: "Create the caller's payout account (a Stripe connected account), or return the one they have",
  responses: {
    200: { description: 'The account the caller already has', ...jsonContent(PayoutAccountSchema) },
    201: { description: 'Account created: onboard it next', ...jsonContent(PayoutAccountSchema) },
    ...problemResponses(SIGNED_IN, NO_BODY, STRIPE),
  },
})

export const getAccount = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/me/payout-account',
  summary: "The caller's payout account, read again from Stripe when stale or still onboarding",
  responses: {
    200: { description: 'The account', ...jsonContent(PayoutAccountSchema) },
    ...problemResponses(SIGNED_IN, ['payout_account_not_found']),
  },
})

export const onboardingLink = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/me/payout-account/onboarding-link',
  summary: "A link to Stripe's hosted onboarding of the caller's payout account (an Account Link)",
  request: { body: jsonBody(OnboardingLinkBody) },
  responses: {
    200: { description: 'The link', ...jsonContent(OnboardingLinkSchema) },
    ...problemResponses(SIGNED_IN, JSON_BODY, STRIPE, ['redirect_not_allowed', 'payout_account_not_found']),
  },
})

export const earnings = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/me/earnings',
  summary:
    "The caller's earnings statement as an owner for [from, to): per currency and per payout; CSV with Accept: text/csv",
  request: { query: EarningsQuery },
  responses: {
    200: {
      description: 'The statement',
      content: {
        ...jsonContent(EarningsSchema).content,
        'text/csv': {
          get schema() {
            return earningsCsvSchema()
          },
        },
      },
    },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'invalid_date_range']),
  },
})

export const list = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/',
  summary: "The caller's payouts as owner, newest first",
  request: { query: PayoutListQuery },
  responses: {
    200: { description: 'A page of payouts', ...jsonContent(PayoutPage) },
    ...problemResponses(SIGNED_IN, ['validation_failed']),
  },
})

export type CreateAccountRoute = typeof createAccount
export type GetAccountRoute = typeof getAccount
export type OnboardingLinkRoute = typeof onboardingLink
export type EarningsRoute = typeof earnings
export type ListRoute = typeof list
