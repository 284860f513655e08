import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { cancellationPolicies } from '../../domain/cancellation-policies'
import { payoutKinds } from '../../domain/payouts'
import {
  claimStatuses,
  depositStatuses,
  paymentStatuses,
  payoutStatuses,
  refundStatuses,
  rentalStatuses,
  stateMachines,
  triggers,
  type Entity,
} from '../../domain/state-machines'
import { REFUND_FEE_POLICIES } from '../../env'

export { claimStatuses, depositStatuses, paymentStatuses, payoutStatuses, refundStatuses, rentalStatuses }
export type {
  ClaimStatus,
  DepositStatus,
  PaymentStatus,
  PayoutStatus,
  RefundStatus,
  RentalStatus,
} from '../../domain/state-machines'

/*
 * Every table of Backline. Money is integer minor units plus a lowercase ISO-4217 currency; timestamps are
 * ISO-8601 UTC strings (they sort as text); rental dates are YYYY-MM-DD with an exclusive end date.
 * No column may hold card numbers, CVC, expiry dates or cardholder names: Stripe keeps those
 * (test/adapters/d1/schema.test.ts proves it).
 */

const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
}

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null for users of an external identity provider. */
    passwordHash: text('password_hash'),
    /** `sub` of an external identity provider (JWKS_URL), when the user signs in through one. */
    externalSubject: text('external_subject'),
    role: text('role', { enum: ['user', 'admin'] })
      .notNull()
      .default('user'),
    /**
     * The user's Stripe Customer (cus_…), made when they first pay for a rental with a deposit: the card they
     * pay with is saved on it, to hold the deposit and charge a claim off-session. Written once (only while
     * null), and unique.
     */
    stripeCustomerId: text('stripe_customer_id'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('users_email_unique').on(table.email),
    uniqueIndex('users_external_subject_unique').on(table.externalSubject),
    uniqueIndex('users_stripe_customer_unique').on(table.stripeCustomerId),
  ],
)

export const instrumentCategories = ['guitar', 'bass', 'amplifier', 'keyboard', 'drums', 'other'] as const

export const instruments = sqliteTable(
  'instruments',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    category: text('category', { enum: instrumentCategories }).notNull(),
    brand: text('brand'),
    model: text('model'),
    description: text('description'),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (table) => [
    index('instruments_category_created_idx').on(table.category, table.createdAt, table.id),
    index('instruments_created_by_idx').on(table.createdBy, table.createdAt),
  ],
)

export const listings = sqliteTable(
  'listings',
  {
    id: text('id').primaryKey(),
    instrumentId: text('instrument_id')
      .notNull()
      .references(() => instruments.id),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    /** Copied from the instrument so that a category search reads only the listings it returns. */
    category: text('category', { enum: instrumentCategories }).notNull(),
    title: text('title').notNull(),
    description: text('description'),
    location: text('location'),
    dailyRate: integer('daily_rate').notNull(),
    currency: text('currency').notNull(),
    depositAmount: integer('deposit_amount').notNull().default(0),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    cancellationPolicy: text('cancellation_policy', { enum: cancellationPolicies })
      .notNull()
      .default('flexible'),
    /** IANA time zone: a rental starts at 00:00 local time here on its start date. */
    timeZone: text('time_zone').notNull().default('UTC'),
    ...timestamps,
  },
  (table) => [
    index('listings_active_created_idx').on(table.active, table.createdAt, table.id),
    index('listings_active_category_created_idx').on(table.active, table.category, table.createdAt, table.id),
    index('listings_owner_created_idx').on(table.ownerId, table.createdAt, table.id),
    index('listings_instrument_idx').on(table.instrumentId),
    index('listings_active_currency_created_idx').on(table.active, table.currency, table.createdAt, table.id),
    index('listings_active_category_currency_created_idx').on(
      table.active,
      table.category,
      table.currency,
      table.createdAt,
      table.id,
    ),
    index('listings_owner_active_created_idx').on(table.ownerId, table.active, table.createdAt, table.id),
    // A price filter lists cheapest first, so that the rate range is an index range, not a scan.
    index('listings_active_currency_rate_idx').on(table.active, table.currency, table.dailyRate, table.id),
    index('listings_active_category_currency_rate_idx').on(
      table.active,
      table.category,
      table.currency,
      table.dailyRate,
      table.id,
    ),
    check('listings_daily_rate_positive', sql`${table.dailyRate} > 0`),
    check('listings_deposit_non_negative', sql`${table.depositAmount} >= 0`),
  ],
)

export const rentals = sqliteTable(
  'rentals',
  {
    id: text('id').primaryKey(),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id),
    renterId: text('renter_id')
      .notNull()
      .references(() => users.id),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    startDate: text('start_date').notNull(),
    /** Exclusive: the return day. */
    endDate: text('end_date').notNull(),
    days: integer('days').notNull(),
    dailyRate: integer('daily_rate').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    depositAmount: integer('deposit_amount').notNull().default(0),
    /** Copied from the listing at booking: a later change of the listing never changes a booked rental. */
    cancellationPolicy: text('cancellation_policy', { enum: cancellationPolicies })
      .notNull()
      .default('flexible'),
    timeZone: text('time_zone').notNull().default('UTC'),
    status: text('status', { enum: rentalStatuses }).notNull().default('pending'),
    /** A pending rental holds its dates until then unless paid. */
    holdExpiresAt: text('hold_expires_at').notNull(),
    cancelReason: text('cancel_reason'),
    cancelledAt: text('cancelled_at'),
    /**
     * What the renter is to have been refunded in all once the rental is cancelled (minor units); null means
     * everything paid. A cancellation under the rental's policy keeps the rest.
     */
    refundDue: integer('refund_due'),
    completedAt: text('completed_at'),
    ...timestamps,
  },
  (table) => [
    index('rentals_listing_status_dates_idx').on(
      table.listingId,
      table.status,
      table.startDate,
      table.endDate,
    ),
    index('rentals_renter_created_idx').on(table.renterId, table.createdAt, table.id),
    index('rentals_owner_created_idx').on(table.ownerId, table.createdAt, table.id),
    index('rentals_renter_status_created_idx').on(table.renterId, table.status, table.createdAt, table.id),
    index('rentals_owner_status_created_idx').on(table.ownerId, table.status, table.createdAt, table.id),
    index('rentals_status_hold_idx').on(table.status, table.holdExpiresAt),
    check('rentals_dates_ordered', sql`${table.endDate} > ${table.startDate}`),
    check('rentals_amount_positive', sql`${table.amount} > 0`),
  ],
)

export const payments = sqliteTable(
  'payments',
  {
    id: text('id').primaryKey(),
    rentalId: text('rental_id')
      .notNull()
      .references(() => rentals.id),
    renterId: text('renter_id')
      .notNull()
      .references(() => users.id),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: paymentStatuses }).notNull().default('pending'),
    platformFee: integer('platform_fee').notNull(),
    ownerPayoutAmount: integer('owner_payout_amount').notNull(),
    amountRefunded: integer('amount_refunded').notNull().default(0),
    /** Increments when a failed attempt is retried with a new PaymentIntent. */
    attempt: integer('attempt').notNull().default(1),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    stripeChargeId: text('stripe_charge_id'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    ...timestamps,
    completedAt: text('completed_at'),
    refundedAt: text('refunded_at'),
    /** When the reconciliation cron last re-read this payment from Stripe ('' = never): it takes the oldest first. */
    reconciledAt: text('reconciled_at').notNull().default(''),
  },
  (table) => [
    uniqueIndex('payments_rental_unique').on(table.rentalId),
    uniqueIndex('payments_intent_unique').on(table.stripePaymentIntentId),
    index('payments_renter_created_idx').on(table.renterId, table.createdAt, table.id),
    index('payments_owner_created_idx').on(table.ownerId, table.createdAt, table.id),
    index('payments_renter_status_created_idx').on(table.renterId, table.status, table.createdAt, table.id),
    index('payments_owner_status_created_idx').on(table.ownerId, table.status, table.createdAt, table.id),
    // Admins list payments of one status across all users, newest first (GET /api/admin/payments).
    index('payments_status_created_idx').on(table.status, table.createdAt, table.id),
    index('payments_status_updated_idx').on(table.status, table.updatedAt),
    index('payments_status_reconciled_idx').on(table.status, table.reconciledAt),
    check('payments_split_adds_up', sql`${table.platformFee} + ${table.ownerPayoutAmount} = ${table.amount}`),
    check(
      'payments_refund_bounded',
      sql`${table.amountRefunded} >= 0 AND ${table.amountRefunded} <= ${table.amount}`,
    ),
  ],
)

export const refunds = sqliteTable(
  'refunds',
  {
    id: text('id').primaryKey(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    stripeRefundId: text('stripe_refund_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: refundStatuses }).notNull(),
    reason: text('reason'),
    failureReason: text('failure_reason'),
    requestedBy: text('requested_by').references(() => users.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('refunds_stripe_refund_unique').on(table.stripeRefundId),
    index('refunds_payment_created_idx').on(table.paymentId, table.createdAt),
    index('refunds_status_updated_idx').on(table.status, table.updatedAt),
    check('refunds_amount_positive', sql`${table.amount} > 0`),
  ],
)

/** A receipt (a completed payment), a credit note (a succeeded refund), or the reversal of a credit note. */
const documentKinds = ['receipt', 'credit_note', 'credit_note_reversal'] as const
export type DocumentKind = (typeof documentKinds)[number]

/**
 * Receipts (one per completed payment), credit notes (one per succeeded refund) and their reversals (one per
 * refund that failed after it succeeded), each kind numbered from one gapless sequence: a number is taken as MAX + 1 in the same statement that issues it, inside the batch that
 * completes the payment or the refund, so a number is never skipped and never given twice.
 */
export const documents = sqliteTable(
  'documents',
  {
    kind: text('kind', { enum: documentKinds }).notNull(),
    number: integer('number').notNull(),
    /** The payment (receipt) or refund (credit note) the document is for. */
    sourceId: text('source_id').notNull(),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    issuedAt: text('issued_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.kind, table.number] }),
    uniqueIndex('documents_kind_source_unique').on(table.kind, table.sourceId),
  ],
)

/** Stripe event ids already applied: a redelivered event is recognised and changes nothing. */
export const stripeEvents = sqliteTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    objectId: text('object_id'),
    /** When Stripe created the event (null for rows recorded before this column existed). */
    createdAt: text('created_at'),
    processedAt: text('processed_at').notNull(),
  },
  // The webhook lag of admin attention reads the last hour's events: one index range.
  (table) => [index('stripe_events_processed_idx').on(table.processedAt)],
)

/**
 * Stripe events whose handling threw (a webhook answered 5xx, or the cron's replay failed), one row per event:
 * its tries so far and the last error's message (truncated; never a stack or a payload). The cron's replay
 * skips an event once `attempts` reaches MAX_EVENT_ATTEMPTS (adapters/d1/event-failures.ts). A row whose
 * event_id is also in stripe_events was applied in the end (the row stays as its failure history).
 */
export const stripeEventFailures = sqliteTable('stripe_event_failures', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  attempts: integer('attempts').notNull(),
  lastError: text('last_error').notNull(),
  firstFailedAt: text('first_failed_at').notNull(),
  lastFailedAt: text('last_failed_at').notNull(),
})

/**
 * An owner's Stripe connected account (Express), one per user: the user id is the key, so two concurrent
 * creations keep one row (and Stripe gets one idempotency key per user). What Stripe says of it is copied
 * here when it is read (GET /api/me/payout-account when stale, account.updated, a listing's activation).
 */
export const payoutAccounts = sqliteTable(
  'payout_accounts',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id),
    stripeAccountId: text('stripe_account_id').notNull(),
    chargesEnabled: integer('charges_enabled', { mode: 'boolean' }).notNull().default(false),
    payoutsEnabled: integer('payouts_enabled', { mode: 'boolean' }).notNull().default(false),
    detailsSubmitted: integer('details_submitted', { mode: 'boolean' }).notNull().default(false),
    /** The `transfers` capability's status at Stripe (active, inactive, pending), null when not requested. */
    transfersCapability: text('transfers_capability'),
    /** requirements.disabled_reason */
    disabledReason: text('disabled_reason'),
    /** requirements.currently_due and past_due, a JSON array of Stripe's requirement names. */
    requirementsDue: text('requirements_due').notNull().default('[]'),
    /** When it was last read from Stripe. */
    refreshedAt: text('refreshed_at').notNull(),
    ...timestamps,
  },
  (table) => [uniqueIndex('payout_accounts_stripe_account_unique').on(table.stripeAccountId)],
)

/**
 * What an owner is paid: the owner's share of a completed payment (`payment_id`, one per payment, created in the
 * batch that completes it), or of a captured damage claim (`claim_id`, one per claim, created in the batch that
 * records the capture); exactly one of the two is set (`kind` tells them apart). The transfer's source is that
 * payment's or that claim's charge.
 * `amount`: before release what will be sent (it follows `owed`), after release what the transfer sent.
 * `amount_reversed`: after release, what Stripe took back of it (reversals less what was given back).
 * `owed`: the owner's share now (owner_payout_amount less their share of refunds and of a dispute's
 * `disputed_amount`, by `refund_fee_policy`, domain/payouts.ts; a claim's: its `owner_share`); after release the
 * cron brings amount − amount_reversed to it at Stripe.
 */
export const payouts = sqliteTable(
  'payouts',
  {
    id: text('id').primaryKey(),
    /** `rental`: a payment's owner share; `damage_claim`: a captured claim's. */
    kind: text('kind', { enum: payoutKinds }).notNull().default('rental'),
    /** The payment whose owner share this is (kind rental). */
    paymentId: text('payment_id').references(() => payments.id),
    /** The captured damage claim whose owner share this is (kind damage_claim). */
    claimId: text('claim_id').references(() => damageClaims.id),
    rentalId: text('rental_id')
      .notNull()
      .references(() => rentals.id),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: payoutStatuses }).notNull(),
    owed: integer('owed').notNull(),
    amountReversed: integer('amount_reversed').notNull().default(0),
    /** What an open or lost dispute withholds from the payment (0 when none, or won). */
    disputedAmount: integer('disputed_amount').notNull().default(0),
    /** REFUND_FEE_POLICY when the payout was scheduled: a later change of the setting never changes it. */
    refundFeePolicy: text('refund_fee_policy', { enum: REFUND_FEE_POLICIES }).notNull(),
    scheduledFor: text('scheduled_for').notNull(),
    releasedAt: text('released_at'),
    stripeTransferId: text('stripe_transfer_id'),
    /** The connected account the transfer went to. */
    stripeAccountId: text('stripe_account_id'),
    /** Increments when a failed payout is retried: each try has its own idempotency key. */
    attempt: integer('attempt').notNull().default(1),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    ...timestamps,
    /** When the cron last tried to bring it to what is owed ('' = never): it takes the oldest first. */
    settledAt: text('settled_at').notNull().default(''),
  },
  (table) => [
    uniqueIndex('payouts_payment_unique').on(table.paymentId),
    uniqueIndex('payouts_claim_unique').on(table.claimId),
    uniqueIndex('payouts_transfer_unique').on(table.stripeTransferId),
    index('payouts_owner_created_idx').on(table.ownerId, table.createdAt, table.id),
    index('payouts_owner_status_created_idx').on(table.ownerId, table.status, table.createdAt, table.id),
    index('payouts_status_created_idx').on(table.status, table.createdAt, table.id),
    // The cron's releases: due scheduled payouts, oldest due first.
    index('payouts_status_scheduled_idx').on(table.status, table.scheduledFor),
    // The cron's settling: released payouts whose owner keeps more or less than is owed (usually none).
    index('payouts_unsettled_idx')
      .on(table.settledAt)
      .where(sql`released_at IS NOT NULL AND amount - amount_reversed <> owed`),
    check(
      'payouts_one_source',
      sql`(${table.kind} = 'rental' AND ${table.paymentId} IS NOT NULL AND ${table.claimId} IS NULL)
        OR (${table.kind} = 'damage_claim' AND ${table.claimId} IS NOT NULL AND ${table.paymentId} IS NULL)`,
    ),
    check('payouts_amounts_non_negative', sql`${table.amount} >= 0 AND ${table.owed} >= 0`),
    check(
      'payouts_reversed_bounded',
      sql`${table.amountReversed} >= 0 AND ${table.amountReversed} <= ${table.amount}`,
    ),
  ],
)

/**
 * A rental's security deposit (docs/DEPOSITS.md), one per paid rental with a deposit_amount, created in the batch
 * that completes its payment. The renter's card saved by that payment (a Customer's PaymentMethod) is held for
 * `amount` from `hold_due_at`, by a manual-capture PaymentIntent: `stripe_payment_intent_id` is the one holding it
 * now (or, action_required, the one waiting for the renter), `hold_expires_at` its charge's capture_before as
 * Stripe says. Every intent ever made for the deposit is a row of deposit_intents.
 */
export const deposits = sqliteTable(
  'deposits',
  {
    id: text('id').primaryKey(),
    rentalId: text('rental_id')
      .notNull()
      .references(() => rentals.id),
    paymentId: text('payment_id')
      .notNull()
      .references(() => payments.id),
    renterId: text('renter_id')
      .notNull()
      .references(() => users.id),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: depositStatuses }).notNull(),
    stripeCustomerId: text('stripe_customer_id'),
    /** The saved card: the rental payment's, or the one the renter authorized the deposit with on-session. */
    stripePaymentMethodId: text('stripe_payment_method_id'),
    /** When the hold is to be placed (DEPOSIT_HOLD_LEAD_HOURS before the start). */
    holdDueAt: text('hold_due_at').notNull(),
    /** Claims may be filed until then; the hold is kept (re-held) until then, and released after it. */
    claimWindowEndsAt: text('claim_window_ends_at').notNull(),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    holdExpiresAt: text('hold_expires_at'),
    capturedAmount: integer('captured_amount').notNull().default(0),
    releasedAt: text('released_at'),
    /** Why the card could not be held off-session, or why a claim could not be collected. */
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    /** The cron tries a fresh hold that failed again only from then on ('' = whenever due). */
    retryAt: text('retry_at').notNull().default(''),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('deposits_rental_unique').on(table.rentalId),
    uniqueIndex('deposits_intent_unique').on(table.stripePaymentIntentId),
    // The cron: scheduled holds that are due, held ones about to expire, and claim windows that closed.
    index('deposits_status_hold_due_idx').on(table.status, table.holdDueAt),
    index('deposits_status_expires_idx').on(table.status, table.holdExpiresAt),
    index('deposits_status_window_idx').on(table.status, table.claimWindowEndsAt),
    check('deposits_amount_positive', sql`${table.amount} > 0`),
    check(
      'deposits_captured_bounded',
      sql`${table.capturedAmount} >= 0 AND ${table.capturedAmount} <= ${table.amount}`,
    ),
  ],
)

export const depositIntentPurposes = ['hold', 'collect'] as const

/**
 * Every PaymentIntent made for a deposit, one row per attempt, written before Stripe is called: the attempt
 * number makes the idempotency key (`backline:deposit:<id>:attempt:<n>`), so a try whose answer was lost is
 * sent again with the same key and cannot hold the card twice. `superseded_at`: Backline no longer wants this
 * intent (a fresh hold replaced it, or the deposit was released) and the cron cancels it at Stripe until
 * `closed_at` (Stripe holds nothing on it any more).
 */
export const depositIntents = sqliteTable(
  'deposit_intents',
  {
    id: text('id').primaryKey(),
    depositId: text('deposit_id')
      .notNull()
      .references(() => deposits.id),
    attempt: integer('attempt').notNull(),
    purpose: text('purpose', { enum: depositIntentPurposes }).notNull(),
    /** For a collection, the claim it charges. */
    claimId: text('claim_id'),
    amount: integer('amount').notNull(),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    /** Stripe refused to make the intent at all (no intent to record): the attempt is over. */
    failureCode: text('failure_code'),
    supersededAt: text('superseded_at'),
    closedAt: text('closed_at'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('deposit_intents_attempt_unique').on(table.depositId, table.attempt),
    uniqueIndex('deposit_intents_intent_unique').on(table.stripePaymentIntentId),
    index('deposit_intents_to_cancel_idx')
      .on(table.supersededAt)
      .where(sql`superseded_at IS NOT NULL AND closed_at IS NULL`),
  ],
)

/**
 * An owner's damage claim against a rental's deposit (one per rental): `amount` ≤ the deposit, answered by the
 * renter before `respond_by` (unanswered: accepted), a contested one decided by an admin (`decided_amount`).
 * What is collected is `captured_amount`, split into `platform_fee` (fee_basis_points) and `owner_share`.
 */
export const damageClaims = sqliteTable(
  'damage_claims',
  {
    id: text('id').primaryKey(),
    depositId: text('deposit_id')
      .notNull()
      .references(() => deposits.id),
    rentalId: text('rental_id')
      .notNull()
      .references(() => rentals.id),
    renterId: text('renter_id')
      .notNull()
      .references(() => users.id),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    description: text('description').notNull(),
    /** A JSON array of https URLs (photos, videos, quotes). */
    evidenceUrls: text('evidence_urls').notNull().default('[]'),
    status: text('status', { enum: claimStatuses }).notNull(),
    respondBy: text('respond_by').notNull(),
    /** DEPOSIT_CLAIM_FEE_PERCENT when the claim was filed, in basis points: a later change never changes it. */
    feeBasisPoints: integer('fee_basis_points').notNull().default(0),
    decidedAmount: integer('decided_amount'),
    decidedBy: text('decided_by').references(() => users.id),
    capturedAmount: integer('captured_amount'),
    platformFee: integer('platform_fee'),
    ownerShare: integer('owner_share'),
    /** The charge that collected it (the captured hold's, or the off-session charge's): its payout's source. */
    stripeChargeId: text('stripe_charge_id'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    answeredAt: text('answered_at'),
    capturedAt: text('captured_at'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('damage_claims_rental_unique').on(table.rentalId),
    uniqueIndex('damage_claims_deposit_unique').on(table.depositId),
    // The cron: unanswered claims past respond_by, and accepted or decided ones still to collect.
    index('damage_claims_status_respond_idx').on(table.status, table.respondBy),
    index('damage_claims_status_updated_idx').on(table.status, table.updatedAt),
    // A dispute of a charge finds the claim it collected (use-cases/stripe-events/disputes.ts).
    index('damage_claims_charge_idx').on(table.stripeChargeId),
    check('damage_claims_amount_positive', sql`${table.amount} > 0`),
    check(
      'damage_claims_decision_bounded',
      sql`${table.decidedAmount} IS NULL OR (${table.decidedAmount} >= 0 AND ${table.decidedAmount} <= ${table.amount})`,
    ),
  ],
)

const auditedEntities = Object.keys(stateMachines) as [Entity, ...Entity[]]

/** Every state transition of a rental, payment, refund, payout, deposit or claim, who made it and why. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    entityType: text('entity_type', { enum: auditedEntities }).notNull(),
    entityId: text('entity_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    source: text('source', { enum: triggers }).notNull(),
    actorId: text('actor_id'),
    detail: text('detail'),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('audit_log_entity_idx').on(table.entityId, table.createdAt)],
)

/** Rows as Drizzle reads them (camelCase keys). */
export type User = typeof users.$inferSelect
export type Instrument = typeof instruments.$inferSelect
export type Listing = typeof listings.$inferSelect
export type Rental = typeof rentals.$inferSelect
export type Payment = typeof payments.$inferSelect
export type Refund = typeof refunds.$inferSelect
export type Document = typeof documents.$inferSelect
export type PayoutAccount = typeof payoutAccounts.$inferSelect
export type Payout = typeof payouts.$inferSelect
export type Deposit = typeof deposits.$inferSelect
export type DepositIntent = typeof depositIntents.$inferSelect
export type DamageClaim = typeof damageClaims.$inferSelect
