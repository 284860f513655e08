import type Stripe from 'stripe'
import { randomToken } from '../lib/ids'

/** How the caller asked to be told about 3-D Secure, at confirmation. */
export interface ActionOptions {
  /** `return_url`: where the customer comes back to after authenticating on the issuer's page. */
  returnUrl: string | null
  /** `use_stripe_sdk=true`: Stripe.js handles the authentication itself. */
  useStripeSdk: boolean
}

type NextAction = Stripe.PaymentIntent.NextAction & Stripe.SetupIntent.NextAction

/**
 * The `next_action` of an intent in `requires_action` for 3-D Secure: with a `return_url` (and without
 * `use_stripe_sdk`) a `redirect_to_url` to send the customer to, as Stripe answers a server-side confirmation
 * (https://docs.stripe.com/payments/3d-secure/authentication-flow#manual-redirect); otherwise `use_stripe_sdk`,
 * for Stripe.js. The emulator's page is no real one: `POST /_emulator/…/authenticate` stands in for it.
 */
export function authenticationAction(options: ActionOptions): NextAction {
  const source = `src_${randomToken(24)}`
  const page = `https://hooks.stripe.com/redirect/authenticate/${source}`
  if (options.returnUrl && !options.useStripeSdk) {
    return {
      type: 'redirect_to_url',
      redirect_to_url: {
        return_url: options.returnUrl,
        url: `${page}?client_secret=src_client_secret_${randomToken(24)}`,
      },
    }
  }
  return {
    type: 'use_stripe_sdk',
    use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: page, source },
  }
}
