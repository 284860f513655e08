import { docUrl, StripeApiError } from '../lib/errors'

const MISSING_KEY =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."

/** Only test-mode secret (or restricted) keys: a live key must never reach the emulator. */
const TEST_KEY = /^(sk|rk)_test_[A-Za-z0-9_]+$/

function unauthorized(message: string): StripeApiError {
  return new StripeApiError(
    401,
    { type: 'invalid_request_error', message },
    { 'www-authenticate': 'Bearer realm="Stripe"' },
  )
}

const mask = (key: string) => `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`

/** The user name of Basic credentials; '' when they are not base64 (answered like a missing key). */
function basicUser(credentials: string): string {
  try {
    return atob(credentials).split(':')[0] ?? ''
  } catch {
    return ''
  }
}

/** Bearer auth, or Basic with the key as user name (`curl -u sk_test_…:`), as Stripe accepts. Returns the key. */
export function authenticate(request: Request): string {
  const header = request.headers.get('authorization')
  if (!header) throw unauthorized(MISSING_KEY)
  const [scheme, credentials = ''] = header.split(' ', 2)
  const key = scheme?.toLowerCase() === 'basic' ? basicUser(credentials) : credentials.trim()
  if (!key) throw unauthorized(MISSING_KEY)
  if (!TEST_KEY.test(key)) throw unauthorized(`Invalid API Key provided: ${mask(key)}`)
  return key
}

/**
 * Stripe's answer for an account the key cannot act on: a `Stripe-Account` header, or a `/v1/accounts/{id}`,
 * naming an account that is not one of the platform's (or no longer exists).
 */
export function accountInvalid(apiKey: string, account: string): StripeApiError {
  return new StripeApiError(403, {
    type: 'invalid_request_error',
    code: 'account_invalid',
    doc_url: docUrl('account_invalid'),
    message: `The provided key '${mask(apiKey)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
  })
}
