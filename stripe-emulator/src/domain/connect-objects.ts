import type Stripe from 'stripe'
import { newId, randomToken } from '../lib/ids'

/** Stripe's connected account ids: `acct_1` and 15 characters (`acct_1PgafTB7WZ01zgkW`). */
export const newAccountId = () => `acct_1${randomToken(15)}`

export type Requirements = Stripe.Account.Requirements

/** A connected account as the emulator keeps it: Stripe's Account, always with its `created`. */
export type Account = Stripe.Account & { created: number }

export function requirements(
  due: string[],
  disabledReason: Stripe.Account.Requirements.DisabledReason | null,
): Requirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [...due],
    disabled_reason: disabledReason,
    errors: [],
    eventually_due: [...due],
    past_due: disabledReason === 'requirements.past_due' ? [...due] : [],
    pending_verification: [],
  }
}

const EMPTY_ADDRESS = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }

export interface BusinessProfileDraft {
  mcc?: string
  name?: string
  product_description?: string
  support_email?: string
  support_phone?: string
  support_url?: string
  url?: string
}

export function businessProfile(draft: BusinessProfileDraft = {}): Stripe.Account.BusinessProfile {
  return {
    annual_revenue: null,
    estimated_worker_count: null,
    mcc: draft.mcc ?? null,
    minority_owned_business_designation: null,
    name: draft.name ?? null,
    product_description: draft.product_description ?? null,
    specified_commercial_transactions_act_url: null,
    support_address: EMPTY_ADDRESS,
    support_email: draft.support_email ?? null,
    support_phone: draft.support_phone ?? null,
    support_url: draft.support_url ?? null,
    url: draft.url ?? null,
  }
}

export interface AccountDraft {
  type: Stripe.Account.Type
  controller: Stripe.Account.Controller
  country: string
  default_currency: string
  email: string | null
  business_type: Stripe.Account.BusinessType | null
  business_profile: Stripe.Account.BusinessProfile
  capabilities: Record<string, Stripe.Account.Capabilities.Transfers>
  metadata: Record<string, string>
  requirements: Requirements
  schedule: Stripe.Account.Settings.Payouts.Schedule
  tos_acceptance: Stripe.Account.TosAcceptance
}

export function newAccount(draft: AccountDraft, created: number): Account {
  const id = newAccountId()
  return {
    id,
    object: 'account',
    business_profile: draft.business_profile,
    business_type: draft.business_type,
    capabilities: draft.capabilities as Stripe.Account.Capabilities,
    charges_enabled: false,
    controller: draft.controller,
    country: draft.country,
    created,
    default_currency: draft.default_currency,
    details_submitted: false,
    email: draft.email,
    external_accounts: {
      object: 'list',
      data: [],
      has_more: false,
      url: `/v1/accounts/${id}/external_accounts`,
    },
    future_requirements: requirements([], null),
    metadata: draft.metadata,
    payouts_enabled: false,
    requirements: draft.requirements,
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: draft.business_profile.name, timezone: 'Etc/UTC' },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: 'offer' },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: { debit_negative_balances: true, schedule: draft.schedule, statement_descriptor: null },
      sepa_debit_payments: {},
    },
    tos_acceptance: draft.tos_acceptance,
    type: draft.type,
  } satisfies Stripe.Account
}

/** The test bank account onboarding attaches (Stripe's test routing and account numbers). */
export function newBankAccount(account: Stripe.Account): Stripe.BankAccount {
  return {
    id: newId('ba'),
    object: 'bank_account',
    account: account.id,
    account_holder_name: null,
    account_holder_type: null,
    account_type: null,
    available_payout_methods: ['standard'],
    bank_name: 'STRIPE TEST BANK',
    country: account.country ?? 'US',
    currency: account.default_currency ?? 'usd',
    default_for_currency: true,
    fingerprint: randomToken(16),
    future_requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    last4: '6789',
    metadata: {},
    requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    routing_number: '110000000',
    status: 'new',
  } satisfies Stripe.BankAccount
}

function capabilityRequirements(due: string[], disabled: boolean): Stripe.Capability.Requirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: due,
    disabled_reason: disabled ? 'requirements.fields_needed' : null,
    errors: [],
    eventually_due: due,
    past_due: [],
    pending_verification: [],
  }
}

/** The Capability object a `capability.updated` event carries. */
export function newCapability(account: Stripe.Account, id: string, status: string): Stripe.Capability {
  const active = status === 'active'
  return {
    id,
    object: 'capability',
    account: account.id,
    future_requirements: capabilityRequirements([], false),
    requested: status !== 'unrequested',
    requested_at: account.created ?? null,
    requirements: capabilityRequirements(active ? [] : (account.requirements?.currently_due ?? []), !active),
    status: status as Stripe.Capability.Status,
  } satisfies Stripe.Capability
}

/** What a transfer is made from: the parameters of POST /v1/transfers, parsed. */
export interface TransferRequest {
  amount: number
  currency: string
  destination: string
  source_transaction: string | null
  transfer_group: string | null
  description: string | null
  metadata: Record<string, string>
  source_type: string
}

export function newTransfer(draft: TransferRequest, created: number): Stripe.Transfer {
  const id = newId('tr')
  return {
    id,
    object: 'transfer',
    amount: draft.amount,
    amount_reversed: 0,
    balance_transaction: newId('txn'),
    created,
    currency: draft.currency,
    description: draft.description,
    destination: draft.destination,
    destination_payment: newId('py'),
    livemode: false,
    metadata: draft.metadata,
    reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${id}/reversals` },
    reversed: false,
    source_transaction: draft.source_transaction,
    source_type: draft.source_type,
    transfer_group: draft.transfer_group,
  } satisfies Stripe.Transfer
}

export function newTransferReversal(
  transfer: Stripe.Transfer,
  amount: number,
  metadata: Record<string, string>,
  created: number,
): Stripe.TransferReversal {
  return {
    id: newId('trr'),
    object: 'transfer_reversal',
    amount,
    balance_transaction: newId('txn'),
    created,
    currency: transfer.currency,
    destination_payment_refund: newId('pyr'),
    metadata,
    source_refund: null,
    transfer: transfer.id,
  } satisfies Stripe.TransferReversal
}

export function newPayout(
  amount: number,
  currency: string,
  destination: string | null,
  created: number,
): Stripe.Payout {
  return {
    id: newId('po'),
    object: 'payout',
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: created,
    automatic: true,
    balance_transaction: newId('txn'),
    created,
    currency,
    description: 'STRIPE PAYOUT',
    destination,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    method: 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: 'not_applicable',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: null,
    status: 'pending',
    trace_id: { status: 'pending', value: null },
    type: 'bank_account',
  } satisfies Stripe.Payout
}
