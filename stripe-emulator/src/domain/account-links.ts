import type { StoredObject } from '../store/store'

/** Where onboarding links point, on the emulator's own origin. */
export const ONBOARDING_PREFIX = '/_emulator/connect/onboarding/'

/** Stripe's account links expire after a few minutes. */
export const LINK_LIFETIME_SECONDS = 300

/** What the emulator keeps of an account link (the AccountLink object itself has no id): its token is its id. */
export interface AccountLinkRecord extends StoredObject {
  object: 'account_link_record'
  account: string
  type: string
  expires_at: number
  refresh_url: string | null
  return_url: string | null
  used: boolean
}
