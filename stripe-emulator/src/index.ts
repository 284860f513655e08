import { ONBOARDING_PREFIX } from './domain/account-links'
import { errorResponse, invalidRequest } from './lib/errors'
import { NAMESPACE_HEADER, NAMESPACE_PATTERN } from './lib/namespace'
import { type EmulatorEnv, EmulatorState } from './state'

export { EmulatorState }

/**
 * A browser following an onboarding link sends no header: the link names its namespace in `?namespace=`.
 */
function namespaceOf(request: Request): string {
  const header = request.headers.get(NAMESPACE_HEADER)
  if (header !== null) return header
  const url = new URL(request.url)
  if (url.pathname.startsWith(ONBOARDING_PREFIX)) return url.searchParams.get('namespace') ?? 'stripe'
  return 'stripe'
}

/**
 * Every request goes to the Durable Object that holds one emulated Stripe account. Test files each name their
 * own (NAMESPACE_HEADER), so they run in parallel without seeing each other's objects, faults or webhooks.
 */
export default {
  fetch(request: Request, env: EmulatorEnv) {
    const namespace = namespaceOf(request)
    if (!NAMESPACE_PATTERN.test(namespace)) {
      return errorResponse(
        invalidRequest(`${NAMESPACE_HEADER} must be 1 to 64 letters, digits, _ or -`),
        new Headers(),
      )
    }
    return env.STATE.get(env.STATE.idFromName(namespace)).fetch(request)
  },
} satisfies ExportedHandler<EmulatorEnv>
