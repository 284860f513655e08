import * as z from '../../lib/zod'
import { claimStatuses, depositStatuses, payoutStatuses } from '../../domain/state-machines'
import { MAX_CHARGE_AMOUNT } from '../../domain/money'
import { Currency, lazySchema, MinorUnits, WellFormedText } from '../schemas'
import { RentalSchema } from '../rentals/rentals.schemas'

const timestamp = (description: string) => z.string().nullable().openapi({ description })

export const DepositSchema = lazySchema(() =>
  z
    .object({
      id: z.string().nullable().openapi({ example: 'dep_9Kq2Lm4Xt7Bw1Nz5Cp8R' }),
      rental_id: z.string(),
      amount: MinorUnits.openapi({ description: 'The deposit, in minor units', example: 10000 }),
      currency: Currency,
      status: z.enum(['not_required', ...depositStatuses]).openapi({
        description:
          'not_required: no deposit (or the rental was cancelled before it was paid); scheduled: to be held at ' +
          'hold_due_at; held: on the card until hold_expires_at (renewed before then while needed); ' +
          'action_required: the card could not be held without the renter, who authorizes it on-session; ' +
          'released; captured / partially_captured: taken for a claim; lapsed: Stripe let the hold expire ' +
          '(a claim is charged off-session instead); failed',
      }),
      hold_due_at: timestamp(
        'When the hold is (or was) to be placed, DEPOSIT_HOLD_LEAD_HOURS before the start',
      ),
      hold_expires_at: timestamp("The current hold's expiry, as Stripe says (the charge's capture_before)"),
      captured_amount: MinorUnits.openapi({ description: 'Taken for a claim', example: 6000 }),
      released_at: timestamp('When the hold on the card ended without (or beyond) a capture'),
      claim_window_ends_at: timestamp(
        'Claims may be filed until then: DEPOSIT_CLAIM_WINDOW_HOURS after the end, or after the return if later',
      ),
      failure_code: z.string().nullable(),
      failure_message: z.string().nullable(),
      client_secret: z.string().optional().openapi({
        description: 'The renter only, while action_required: confirm the hold with Stripe.js',
      }),
      payment_method_id: z.string().nullable().optional().openapi({
        description: 'The renter only, while action_required: the saved card to confirm with',
        example: 'pm_1QxTm2LkdRt7Yb1a0Mc3Vp9D',
      }),
    })
    .openapi('Deposit'),
)

export const RefusedHandoverSchema = lazySchema(() =>
  z.object({ rental: RentalSchema(), deposit: DepositSchema() }).openapi('RefusedHandover'),
)

export const ClaimSchema = lazySchema(() =>
  z
    .object({
      id: z.string().openapi({ example: 'clm_3Vb8Nq1Wd6Lk9Tz2Xc5M' }),
      rental_id: z.string(),
      deposit_id: z.string(),
      renter_id: z.string(),
      owner_id: z.string(),
      amount: MinorUnits.openapi({ description: 'Claimed, at most the deposit', example: 6000 }),
      currency: Currency,
      description: z.string(),
      evidence_urls: z.array(z.string()),
      status: z.enum(claimStatuses),
      respond_by: z
        .string()
        .openapi({ description: 'The renter accepts or contests until then; unanswered: accepted' }),
      decided_amount: MinorUnits.nullable().openapi({
        description: "An admin's decision on a contested claim",
      }),
      captured_amount: MinorUnits.nullable().openapi({ description: 'Collected', example: 6000 }),
      platform_fee: MinorUnits.nullable().openapi({
        description: 'Of what was collected: DEPOSIT_CLAIM_FEE_PERCENT when the claim was filed',
        example: 0,
      }),
      owner_share: MinorUnits.nullable().openapi({
        description: "Of what was collected: the owner's, paid to them as a payout (`payout_id`)",
        example: 6000,
      }),
      stripe_charge_id: z.string().nullable().openapi({
        description: "The charge that collected it (the captured hold's, or the off-session charge's)",
      }),
      payout_id: z.string().nullable().openapi({
        description:
          'The payout of the owner share (kind `damage_claim`, in GET /api/payouts); null until captured, when the share is 0 or owners are paid another way (OWNER_PAYOUTS=off), and always for the renter',
      }),
      payout_status: z
        .enum(payoutStatuses)
        .nullable()
        .openapi({ description: 'The status of that payout (null for the renter)' }),
      failure_code: z.string().nullable(),
      failure_message: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
    })
    .openapi('DamageClaim'),
)

export const ClaimList = lazySchema(() =>
  z.object({ data: z.array(ClaimSchema()) }).openapi('DamageClaimList'),
)

const EvidenceUrl = z
  .url({ protocol: /^https$/, error: 'Must be an https URL' })
  .max(2048)
  .openapi({ example: 'https://photos.example/strat-neck-crack.jpg' })

export const FileClaimBody = z
  .object({
    amount: z
      .number()
      .int('Must be an integer amount in minor units')
      .min(1)
      .max(MAX_CHARGE_AMOUNT)
      .openapi({ description: 'At most the deposit, in minor units', example: 6000 }),
    description: WellFormedText.pipe(z.string().trim().min(1, 'Must not be empty').max(2000)).openapi({
      example: 'Crack in the neck heel; luthier quote attached',
    }),
    evidence_urls: z.array(EvidenceUrl).max(10).optional(),
  })
  .openapi('FileDamageClaimRequest')

export const DecideClaimBody = z
  .object({
    amount: z.number().int('Must be an integer amount in minor units').min(0).max(MAX_CHARGE_AMOUNT).openapi({
      description: 'What the renter pays, at most the amount claimed (0: nothing)',
      example: 4000,
    }),
  })
  .openapi('DecideDamageClaimRequest')
