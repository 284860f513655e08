import * as z from '../../lib/zod'
import { jsonSchema } from '../../adapters/d1/json-columns'
import { payoutStatuses } from '../../adapters/d1/schema'
import { payoutAccountStatuses, payoutKinds } from '../../domain/payouts'
import { payoutColumns } from '../../use-cases/payouts/read-payouts'
import { EARNINGS_AMOUNTS } from '../../use-cases/payouts/earnings'
import { Currency, DateWindowQuery, PaginationQuery, lazySchema, pageOf } from '../schemas'

export const PayoutAccountSchema = lazySchema(() =>
  z
    .object({
      account_id: z.string().openapi({ description: "The owner's Stripe connected account (Express)" }),
      charges_enabled: z.boolean(),
      payouts_enabled: z.boolean(),
      details_submitted: z.boolean(),
      requirements_due: z
        .array(z.string())
        .openapi({ description: 'What Stripe still asks for (currently or past due)' }),
      status: z.enum(payoutAccountStatuses).openapi({
        description:
          '`enabled`: can receive transfers; `onboarding`: details not submitted; `restricted`: submitted but not (yet) able to receive; `disabled`: Stripe disabled it',
      }),
    })
    .openapi('PayoutAccount'),
)

/** Where Stripe's onboarding sends the owner back; its origin must be in PAYOUT_ONBOARDING_ORIGINS. */
const RedirectUrl = z.url({ protocol: /^https?$/, error: 'Must be an http(s) URL' }).max(2_000)

export const OnboardingLinkBody = z
  .object({
    return_url: RedirectUrl.openapi({ description: 'Where the owner lands after onboarding' }),
    refresh_url: RedirectUrl.openapi({
      description: 'Where the owner lands when the link is used or expired: ask for a new link there',
    }),
  })
  .openapi('OnboardingLinkRequest')

export const OnboardingLinkSchema = lazySchema(() =>
  z
    .object({
      url: z.string().openapi({ description: "Stripe's hosted onboarding: send the owner there" }),
      expires_at: z.string().openapi({ description: 'The link works until then (minutes)' }),
    })
    .openapi('OnboardingLink'),
)

export const PayoutSchema = lazySchema(() =>
  jsonSchema(payoutColumns, {
    id: (field) => field.openapi({ example: 'pyo_6Gt2Lm8Qa1Zx5Wc9Rb3N' }),
    kind: (field) =>
      field.openapi({
        description:
          "`rental`: the owner's share of a rental's payment (`payment_id`); `damage_claim`: the owner's share of a captured damage claim (`damage_claim_id`)",
      }),
    payment_id: (field) =>
      field.openapi({ description: 'The payment it pays the owner share of (kind rental)' }),
    damage_claim_id: (field) =>
      field.openapi({
        description: 'The captured damage claim it pays the owner share of (kind damage_claim)',
      }),
    currency: () => Currency,
    amount: (field) =>
      field.openapi({
        description: 'Before release what will be sent; after release what was sent',
        example: 6750,
      }),
    amount_reversed: (field) =>
      field.openapi({ description: 'Taken back since the release (reversals less what was given back)' }),
    scheduled_for: (field) =>
      field.openapi({ description: 'When it is due (PAYOUT_RELEASE_AT, PAYOUT_DELAY_DAYS)' }),
    failure_code: (field) => field.openapi({ description: "Stripe's error code when the transfer failed" }),
  }).openapi('Payout'),
)

export const PayoutPage = pageOf(PayoutSchema, 'PayoutPage')

export const PayoutListQuery = PaginationQuery.extend({
  status: z.enum(payoutStatuses).optional(),
})

export const AdminPayoutQuery = PaginationQuery.extend({
  status: z.enum(payoutStatuses).openapi({
    description: 'Required: the payouts in this status, e.g. `failed` (transfers Stripe refused)',
    example: 'failed',
  }),
})

export const EarningsQuery = DateWindowQuery

export const EarningsSchema = lazySchema(() => {
  const amounts = Object.fromEntries(EARNINGS_AMOUNTS.map((name) => [name, z.number().int()])) as Record<
    (typeof EARNINGS_AMOUNTS)[number],
    z.ZodNumber
  >
  return z
    .object({
      from: z.string(),
      to: z.string(),
      currencies: z.array(z.object({ currency: Currency, ...amounts })).openapi({
        description:
          'Per currency, the sums of the lines: gross = refunds + disputed + platform_fees + net, and net = released − reversed + scheduled + unsettled',
      }),
      lines: z.array(
        z.object({
          date: z.string().openapi({
            description:
              'When the payment completed or the damage claim was captured (the payout was scheduled)',
          }),
          payout_id: z.string(),
          kind: z.enum(payoutKinds).openapi({
            description:
              "`rental`: a payment's owner share; `damage_claim`: a captured damage claim's (gross: what it collected, platform_fees: its fee)",
          }),
          payment_id: z.string().nullable(),
          damage_claim_id: z.string().nullable(),
          rental_id: z.string(),
          currency: Currency,
          status: z.enum(payoutStatuses),
          ...amounts,
          scheduled_for: z.string(),
          released_at: z.string().nullable(),
        }),
      ),
    })
    .openapi('Earnings')
})
