import type Stripe from 'stripe'
import { platformCtx } from '../domain/accounts'
import { type AccountLinkRecord, LINK_LIFETIME_SECONDS, ONBOARDING_PREFIX } from '../domain/account-links'
import { invalidRequest, missingParam } from '../lib/errors'
import type { Params } from '../lib/form'
import { randomToken } from '../lib/ids'
import { optionalEnum, optionalString, rejectUnknown, requiredString } from '../lib/params'
import { connectedAccount } from './accounts'
import type { ApiRequest } from './types'

/**
 * `collect` and `collection_options` are not implemented (the onboarding page completes every requirement,
 * currently and eventually due alike), so they are refused as unknown parameters.
 */
const PARAMS = ['account', 'type', 'refresh_url', 'return_url', 'expand']

function optionalUrl(params: Params, name: string): string | null {
  const value = optionalString(params, name)
  if (value === undefined || value === '') return null
  try {
    const url = new URL(value)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(value)
  } catch {
    throw invalidRequest('Not a valid URL', { param: name })
  }
  return value
}

/**
 * `POST /v1/account_links`: a link to the emulator's own onboarding page (`/_emulator/connect/onboarding/…`),
 * valid for 300 s of the emulator clock and for one completion. The page is on the origin a browser reaches
 * the emulator at (EMULATOR_PUBLIC_URL, or the request's), naming this request's namespace.
 */
export function createAccountLink(request: ApiRequest): Stripe.AccountLink {
  const { ctx, params, site } = request
  rejectUnknown(params, PARAMS)
  const account = connectedAccount(request, requiredString(params, 'account'))
  const type = optionalEnum(params, 'type', ['account_onboarding', 'account_update'] as const)
  if (!type) throw missingParam('type')
  const store = platformCtx(ctx).store
  const created = store.now()
  const record: AccountLinkRecord = {
    id: `alink_${randomToken(32)}`,
    object: 'account_link_record',
    created,
    account: account.id,
    type,
    expires_at: created + LINK_LIFETIME_SECONDS,
    refresh_url: optionalUrl(params, 'refresh_url'),
    return_url: optionalUrl(params, 'return_url'),
    used: false,
  }
  store.put(record)
  const query = site.namespace ? `?namespace=${encodeURIComponent(site.namespace)}` : ''
  return {
    object: 'account_link',
    created,
    expires_at: record.expires_at,
    url: `${site.origin}${ONBOARDING_PREFIX}${record.id}${query}`,
  } satisfies Stripe.AccountLink
}
