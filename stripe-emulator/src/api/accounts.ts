import type Stripe from 'stripe'
import {
  type Capabilities,
  type CapabilityStatus,
  capabilitiesOf,
  isVerified,
  platformCtx,
  saveAccount,
} from '../domain/accounts'
import { type Account, businessProfile, newAccount, requirements } from '../domain/connect-objects'
import { invalidRequest, missingParam, unknownParameter } from '../lib/errors'
import type { Params } from '../lib/form'
import {
  hashOf,
  mergeMetadata,
  optionalEmail,
  optionalEnum,
  optionalHash,
  optionalInteger,
  optionalString,
  rejectUnknown,
  rejectUnknownIn,
} from '../lib/params'
import { accountInvalid } from './auth'
import { LIST_PARAMS, paginate } from './list'
import type { ApiRequest } from './types'

/**
 * What the emulator takes. Stripe's `individual`, `company`, `external_account`, `account_token`, `documents`
 * and `groups` are not implemented (onboarding, the hosted page or a control, completes an account), so they
 * are refused as unknown parameters rather than taken and dropped.
 */
const UPDATE_PARAMS = [
  'expand',
  ...['business_profile', 'business_type', 'capabilities', 'default_currency', 'email', 'metadata'],
  ...['settings', 'tos_acceptance'],
]
const CREATE_PARAMS = [...UPDATE_PARAMS, 'controller', 'country', 'type']

/** The capabilities the emulator knows (Stripe has more); any other is an unknown parameter. */
const CAPABILITIES = [
  ...['acss_debit_payments', 'affirm_payments', 'afterpay_clearpay_payments', 'bancontact_payments'],
  ...['bank_transfer_payments', 'card_issuing', 'card_payments', 'cartes_bancaires_payments'],
  ...['cashapp_payments', 'eps_payments', 'ideal_payments', 'klarna_payments', 'legacy_payments'],
  ...['link_payments', 'p24_payments', 'paypal_payments', 'sepa_debit_payments', 'tax_reporting_us_1099_k'],
  ...['transfers', 'treasury', 'us_bank_account_ach_payments'],
]

const EURO_COUNTRIES = [
  ...['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL'],
  ...['PT', 'SI', 'SK'],
]
const CURRENCIES: Record<string, string> = {
  AU: 'aud',
  BR: 'brl',
  CA: 'cad',
  CH: 'chf',
  DK: 'dkk',
  GB: 'gbp',
  HK: 'hkd',
  JP: 'jpy',
  MX: 'mxn',
  NO: 'nok',
  NZ: 'nzd',
  PL: 'pln',
  SE: 'sek',
  SG: 'sgd',
  US: 'usd',
}
const defaultCurrency = (country: string) =>
  CURRENCIES[country] ?? (EURO_COUNTRIES.includes(country) ? 'eur' : 'usd')

const BUSINESS_TYPES = ['company', 'government_entity', 'individual', 'non_profit'] as const

/** What a new account must still provide, as Stripe lists it for a US individual (sorted, as Stripe does). */
function requirementsDue(country: string, businessType: string | null): string[] {
  const person =
    businessType === 'company' || businessType === 'non_profit' || businessType === 'government_entity'
      ? ['company.address.city', 'company.address.line1', 'company.address.postal_code', 'company.name']
          .concat([
            'company.phone',
            'company.tax_id',
            'representative.first_name',
            'representative.last_name',
          ])
          .concat(['representative.email', 'representative.dob.day', 'representative.dob.month'])
          .concat(['representative.dob.year', 'owners.first_name', 'owners.last_name'])
      : ['individual.address.city', 'individual.address.line1', 'individual.address.postal_code']
          .concat(['individual.dob.day', 'individual.dob.month', 'individual.dob.year', 'individual.email'])
          .concat(['individual.first_name', 'individual.last_name', 'individual.phone'])
          .concat(country === 'US' ? ['individual.address.state', 'individual.ssn_last_4'] : [])
  const business = [
    'business_profile.mcc',
    'business_profile.url',
    ...(businessType ? [] : ['business_type']),
  ]
  return [...business, 'external_account', ...person, 'tos_acceptance.date', 'tos_acceptance.ip'].sort()
}

function parseCountry(params: Params): string {
  const raw = optionalString(params, 'country') ?? 'US'
  const country = raw.toUpperCase()
  if (!/^[A-Z]{2}$/.test(country)) {
    throw invalidRequest(
      `Country '${raw}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`,
      { param: 'country' },
    )
  }
  return country
}

function parseCurrencyParam(params: Params): string | undefined {
  const currency = optionalString(params, 'default_currency')?.toLowerCase()
  if (currency !== undefined && !/^[a-z]{3}$/.test(currency))
    throw invalidRequest(`Invalid currency: ${currency}.`, { param: 'default_currency' })
  return currency
}

/** `capabilities[transfers][requested]=true`: the requested ones, and the ones unrequested (`false`). */
function parseCapabilities(params: Params): { requested: string[]; unrequested: string[] } {
  const hash = optionalHash(params, 'capabilities') ?? {}
  const result = { requested: [] as string[], unrequested: [] as string[] }
  for (const name of Object.keys(hash)) {
    if (!CAPABILITIES.includes(name)) throw unknownParameter(`capabilities[${name}]`)
    const entry = hashOf(hash, name, ['requested'], `capabilities[${name}]`) ?? {}
    const param = `capabilities[${name}][requested]`
    const requested = entry.requested
    if (requested === undefined) throw missingParam(param)
    if (requested !== 'true' && requested !== 'false') {
      throw invalidRequest(`Invalid boolean: ${String(requested)}`, { param })
    }
    ;(requested === 'true' ? result.requested : result.unrequested).push(name)
  }
  return result
}

const PROFILE_FIELDS = [
  'mcc',
  'name',
  'product_description',
  'support_email',
  'support_phone',
  'support_url',
  'url',
]

function parseBusinessProfile(
  params: Params,
  current: Stripe.Account.BusinessProfile | null | undefined,
): Stripe.Account.BusinessProfile | undefined {
  // Stripe's annual_revenue, estimated_worker_count, monthly_estimated_revenue, support_address… are not
  // implemented: unknown parameters.
  const hash = hashOf(params, 'business_profile', PROFILE_FIELDS)
  if (!hash) return undefined
  const profile = current ? structuredClone(current) : businessProfile()
  for (const field of PROFILE_FIELDS) {
    const value = optionalString(hash, field)
    if (value !== undefined) Object.assign(profile, { [field]: value === '' ? null : value })
  }
  return profile
}

const INTERVALS = ['manual', 'daily', 'weekly', 'monthly'] as const
const SCHEDULE_FIELDS = ['interval', 'delay_days', 'weekly_anchor', 'monthly_anchor']

/**
 * `settings[payouts][schedule][interval|delay_days|weekly_anchor|monthly_anchor]`, the only settings modelled:
 * any other (`settings[branding]`, `settings[payouts][statement_descriptor]`…) is an unknown parameter.
 */
function parseSchedule(
  params: Params,
  current: Stripe.Account.Settings.Payouts.Schedule,
): Stripe.Account.Settings.Payouts.Schedule {
  const settings = hashOf(params, 'settings', ['payouts'])
  const payouts = settings && hashOf(settings, 'payouts', ['schedule'], 'settings[payouts]')
  const schedule = payouts && hashOf(payouts, 'schedule', SCHEDULE_FIELDS, 'settings[payouts][schedule]')
  if (!schedule) return current
  const next = { ...current }
  const interval = optionalEnum(schedule, 'interval', INTERVALS)
  if (interval) next.interval = interval
  const delay = optionalInteger(schedule, 'delay_days')
  if (delay !== undefined) next.delay_days = delay
  const weekly = optionalString(schedule, 'weekly_anchor')
  if (weekly) next.weekly_anchor = weekly
  const monthly = optionalInteger(schedule, 'monthly_anchor')
  if (monthly !== undefined) next.monthly_anchor = monthly
  return next
}

function parseTosAcceptance(
  params: Params,
  current: Stripe.Account.TosAcceptance | undefined,
): Stripe.Account.TosAcceptance {
  const hash = hashOf(params, 'tos_acceptance', ['date', 'ip', 'user_agent', 'service_agreement'])
  if (!hash) return current ?? { date: null, ip: null, user_agent: null }
  const agreement = optionalString(hash, 'service_agreement') ?? current?.service_agreement
  return {
    date: optionalInteger(hash, 'date') ?? current?.date ?? null,
    ip: optionalString(hash, 'ip') ?? current?.ip ?? null,
    user_agent: optionalString(hash, 'user_agent') ?? current?.user_agent ?? null,
    ...(agreement ? { service_agreement: agreement } : {}),
  }
}

const CONTROLLER_VALUES = {
  fees: ['account', 'application'],
  losses: ['application', 'stripe'],
  requirement_collection: ['application', 'stripe'],
  stripe_dashboard: ['express', 'full', 'none'],
} as const

/** The controller Stripe gives each legacy account type. */
function controllerOfType(type: 'custom' | 'express' | 'standard'): Stripe.Account.Controller {
  const application = type !== 'standard'
  return {
    fees: { payer: type === 'standard' ? 'account' : `application_${type}` },
    is_controller: true,
    losses: { payments: application ? 'application' : 'stripe' },
    requirement_collection: type === 'custom' ? 'application' : 'stripe',
    stripe_dashboard: { type: type === 'standard' ? 'full' : type === 'express' ? 'express' : 'none' },
    type: 'application',
  }
}

function enumIn<T extends string>(hash: Params, name: string, param: string, values: readonly T[]) {
  const value = optionalString(hash, name)
  if (value === undefined) return undefined
  if (!values.includes(value as T)) {
    throw invalidRequest(`Invalid ${param}: must be one of ${values.join(', ')}`, { param })
  }
  return value as T
}

/**
 * `controller[fees][payer]`, `controller[losses][payments]`, `controller[requirement_collection]`,
 * `controller[stripe_dashboard][type]`, with Stripe's defaults; the legacy type they amount to (express:
 * an Express dashboard with the platform paying fees and bearing losses), or `none`.
 */
function parseController(hash: Params): { controller: Stripe.Account.Controller; type: Stripe.Account.Type } {
  rejectUnknownIn(hash, 'controller', ['fees', 'losses', 'requirement_collection', 'stripe_dashboard'])
  const keys: Record<string, string[]> = { fees: ['payer'], losses: ['payments'], stripe_dashboard: ['type'] }
  const sub = (name: string) => hashOf(hash, name, keys[name] ?? [], `controller[${name}]`) ?? {}
  const fees = enumIn(sub('fees'), 'payer', 'controller[fees][payer]', CONTROLLER_VALUES.fees) ?? 'account'
  const losses =
    enumIn(sub('losses'), 'payments', 'controller[losses][payments]', CONTROLLER_VALUES.losses) ?? 'stripe'
  const collection =
    enumIn(
      hash,
      'requirement_collection',
      'controller[requirement_collection]',
      CONTROLLER_VALUES.requirement_collection,
    ) ?? 'stripe'
  const dashboard =
    enumIn(
      sub('stripe_dashboard'),
      'type',
      'controller[stripe_dashboard][type]',
      CONTROLLER_VALUES.stripe_dashboard,
    ) ?? 'full'
  if (collection === 'application' && (losses !== 'application' || dashboard !== 'none')) {
    throw invalidRequest(
      'When `controller[requirement_collection]` is `application`, `controller[losses][payments]` must be `application` and `controller[stripe_dashboard][type]` must be `none`.',
      { param: 'controller[requirement_collection]' },
    )
  }
  const platformLiable = fees === 'application' && losses === 'application'
  const type =
    dashboard === 'express' && platformLiable && collection === 'stripe'
      ? 'express'
      : dashboard === 'none' && platformLiable && collection === 'application'
        ? 'custom'
        : dashboard === 'full' && fees === 'account' && losses === 'stripe' && collection === 'stripe'
          ? 'standard'
          : 'none'
  const payer =
    fees === 'application' && (type === 'express' || type === 'custom') ? `application_${type}` : fees
  return {
    controller: {
      fees: { payer },
      is_controller: true,
      losses: { payments: losses },
      requirement_collection: collection,
      stripe_dashboard: { type: dashboard },
      type: 'application',
    },
    type,
  }
}

function parseKind(params: Params) {
  const type = optionalEnum(params, 'type', ['custom', 'express', 'standard'] as const)
  const controller = optionalHash(params, 'controller')
  if (type && controller) {
    throw invalidRequest('You cannot specify both `type` and `controller`; use one or the other.', {
      param: 'controller',
    })
  }
  if (controller) return parseController(controller)
  const kind = type ?? 'standard'
  return { controller: controllerOfType(kind), type: kind }
}

export function createAccount({ ctx, params }: ApiRequest) {
  rejectUnknown(params, CREATE_PARAMS)
  const { controller, type } = parseKind(params)
  const country = parseCountry(params)
  const businessType = optionalEnum(params, 'business_type', BUSINESS_TYPES) ?? null
  const capabilities: Capabilities = {}
  for (const name of parseCapabilities(params).requested) capabilities[name] = 'inactive'
  const due = requirementsDue(country, businessType)
  const platform = platformCtx(ctx)
  const account = newAccount(
    {
      type,
      controller,
      country,
      default_currency: parseCurrencyParam(params) ?? defaultCurrency(country),
      email: optionalEmail(params) || null,
      business_type: businessType,
      business_profile: parseBusinessProfile(params, null) ?? businessProfile(),
      capabilities,
      metadata: mergeMetadata({}, params),
      requirements: requirements(due, 'requirements.past_due'),
      schedule: parseSchedule(params, { delay_days: 2, interval: 'daily' }),
      tos_acceptance: parseTosAcceptance(params, undefined),
    },
    platform.store.now(),
  )
  return platform.store.put(account)
}

/** The platform's connected account, or Stripe's `account_invalid` (as for an account it cannot reach). */
export function connectedAccount({ ctx, apiKey }: ApiRequest, id: string): Account {
  const account = platformCtx(ctx).store.get<Account>(id, 'account')
  if (!account) throw accountInvalid(apiKey, id)
  return account
}

export function retrieveAccount(request: ApiRequest) {
  rejectUnknown(request.params, ['expand'])
  return connectedAccount(request, request.id)
}

/** `GET /v1/account`: the account the request acts on, which must be a connected one (`Stripe-Account`). */
export function retrieveCurrentAccount(request: ApiRequest) {
  rejectUnknown(request.params, ['expand'])
  const account = request.ctx.store.account
  if (!account) {
    throw invalidRequest(
      'The emulator has no platform account object: call GET /v1/account with a Stripe-Account header.',
      { status: 404 },
    )
  }
  return connectedAccount(request, account)
}

export function updateAccount(request: ApiRequest) {
  const { ctx, params } = request
  rejectUnknown(params, UPDATE_PARAMS)
  const account = connectedAccount(request, request.id)
  const after = structuredClone(account)
  const email = optionalEmail(params)
  if (email !== undefined) after.email = email || null
  const businessType = optionalEnum(params, 'business_type', BUSINESS_TYPES)
  if (businessType) {
    after.business_type = businessType
    if (after.requirements?.currently_due?.includes('business_type')) {
      const due = after.requirements.currently_due.filter((field) => field !== 'business_type')
      after.requirements = requirements(due, after.requirements.disabled_reason)
    }
  }
  after.business_profile = parseBusinessProfile(params, account.business_profile) ?? account.business_profile
  after.default_currency = parseCurrencyParam(params) ?? account.default_currency
  after.metadata = mergeMetadata(account.metadata ?? {}, params)
  after.tos_acceptance = parseTosAcceptance(params, account.tos_acceptance)
  if (after.settings?.payouts) {
    after.settings.payouts.schedule = parseSchedule(params, after.settings.payouts.schedule)
  }
  const { requested, unrequested } = parseCapabilities(params)
  const capabilities = { ...capabilitiesOf(account) }
  const status: CapabilityStatus = isVerified(account) ? 'active' : 'inactive'
  for (const name of requested) capabilities[name] ??= status
  for (const name of unrequested) delete capabilities[name]
  after.capabilities = capabilities as Stripe.Account.Capabilities
  return saveAccount(ctx, account, after)
}

export function listAccounts({ ctx, params }: ApiRequest) {
  rejectUnknown(params, LIST_PARAMS)
  return paginate(platformCtx(ctx).store.list<Account>('account'), params, '/v1/accounts')
}

export function deleteAccount(request: ApiRequest): Stripe.DeletedAccount {
  rejectUnknown(request.params, [])
  const account = connectedAccount(request, request.id)
  platformCtx(request.ctx).store.delete(account.id)
  return { id: account.id, object: 'account', deleted: true }
}
