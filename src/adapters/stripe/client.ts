import Stripe from 'stripe'
import type { Bindings, Settings } from '../../env'
import { ApiError } from '../../lib/errors'
import type { STRIPE_API, StripeResourceName } from './resources'

/** The Stripe SDK as the app may use it: the methods of STRIPE_API, and webhook signatures. */
export type StripeClient = {
  readonly [R in StripeResourceName]: Pick<
    Stripe[R],
    Extract<(typeof STRIPE_API)[R][number], keyof Stripe[R]>
  >
} & Pick<Stripe, 'webhooks'>

/** Keys of this form are the emulator's: they route every Stripe call to the STRIPE_EMULATOR binding. */
export const EMULATOR_KEY_PREFIX = 'sk_test_emulator'

const clients = new WeakMap<object, StripeClient>()

/**
 * One Stripe client per isolate and env. With an emulator key and the emulator's service binding (dev and
 * tests only; production has no such binding) the SDK's fetch client is pointed at the emulator, so the app
 * code is the same as against Stripe. Retries and timeout are deliberate: the SDK's 80 s default would
 * outlive a Worker request.
 */
export function stripeClient(env: Bindings, settings: Settings): StripeClient {
  const cached = clients.get(env)
  if (cached) return cached
  const emulator = settings.STRIPE_SECRET_KEY.startsWith(EMULATOR_KEY_PREFIX)
    ? env.STRIPE_EMULATOR
    : undefined
  if (settings.STRIPE_SECRET_KEY.startsWith(EMULATOR_KEY_PREFIX) && !emulator) {
    throw new Error('STRIPE_SECRET_KEY is an emulator key but the STRIPE_EMULATOR binding is missing')
  }
  const client = new Stripe(settings.STRIPE_SECRET_KEY, {
    httpClient: emulator
      ? Stripe.createFetchHttpClient((input, init) =>
          emulator.fetch(input as RequestInfo, init as RequestInit),
        )
      : Stripe.createFetchHttpClient(),
    maxNetworkRetries: settings.STRIPE_MAX_RETRIES,
    timeout: settings.STRIPE_TIMEOUT_MS,
    appInfo: { name: 'backline', url: 'https://github.com/backline' },
  })
  clients.set(env, client)
  return client
}

/** Turns a Stripe failure into the problem the client sees; the unknown stays unknown (500, logged). */
export function stripeFailure(error: unknown): ApiError | undefined {
  if (!(error instanceof Stripe.errors.StripeError)) return undefined
  if (error instanceof Stripe.errors.StripeCardError) {
    return new ApiError('payment_failed', error.message, {
      extra: { decline_code: error.decline_code ?? null, stripe_code: error.code ?? null },
    })
  }
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    return new ApiError('stripe_unavailable', 'Stripe is rate limiting requests; retry shortly', {
      headers: { 'Retry-After': '2' },
    })
  }
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError) {
    return new ApiError(
      'stripe_unavailable',
      'Stripe could not be reached; retry shortly (nothing was charged twice)',
      {
        headers: { 'Retry-After': '5' },
      },
    )
  }
  if (error.code === 'charge_already_refunded') {
    return new ApiError('payment_not_refundable', 'Stripe has already refunded this payment in full')
  }
  if (error.code === 'amount_too_small') {
    // Stripe's minimum charge depends on the currency (e.g. 50 cents); it is its rule, so its answer decides.
    return new ApiError('amount_too_small', error.message)
  }
  return new ApiError('stripe_error', `Stripe refused the request (${error.type})`)
}

/** Runs a Stripe call and converts its failure; use around every SDK call. */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw stripeFailure(error) ?? error
  }
}

/** The id of an expandable Stripe field, whether Stripe sent the id or the expanded object. */
export const idOf = (field: string | { id: string } | null | undefined): string | undefined =>
  typeof field === 'string' ? field : field?.id
