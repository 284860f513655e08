import { ApiError, problemBody, type ErrorCode, type FieldError } from '../lib/errors'
import { MAX_BODY_BYTES } from '../middleware/json-body'

interface Example {
  summary: string
  detail: string
  errors?: FieldError[]
  extra?: Record<string, unknown>
}

/**
 * One example per error code, as the API writes it (problemBody builds each): what /openapi.json and /docs
 * show under every status an operation declares. `satisfies` makes a new code without an example a type error.
 * Documentation only: the document is built at build time (openapi-document.ts), and the Worker never imports
 * this module.
 */
const examples = {
  validation_failed: {
    summary: 'A field is missing or invalid',
    detail: 'Invalid body.start_date',
    errors: [{ path: 'body.start_date', message: 'Must be a date in YYYY-MM-DD format' }],
  },
  invalid_json: { summary: 'The body does not parse as JSON', detail: 'Request body is not valid JSON' },
  invalid_bookmark: {
    summary: 'The X-D1-Bookmark header is not a bookmark this API answered with',
    detail: 'X-D1-Bookmark must be a bookmark this API answered with, sent back unchanged',
  },
  invalid_date_range: {
    summary: 'The dates are in the wrong order or too far apart',
    detail: 'Invalid body.end_date: Must be after start_date',
    errors: [{ path: 'body.end_date', message: 'Must be after start_date' }],
  },
  unauthorized: {
    summary: 'No bearer token',
    detail: 'Authorization header with a Bearer token is required',
  },
  invalid_token: {
    summary: 'The token is expired, malformed or wrongly signed',
    detail: 'Token has expired',
  },
  invalid_credentials: { summary: 'Wrong email or password', detail: 'Email or password is incorrect' },
  forbidden: { summary: 'The caller may not do this', detail: 'Only an admin may do this' },
  not_owner: {
    summary: 'Only the owner may do this',
    detail: 'Only the listing owner or an admin can refund a payment',
  },
  own_listing: { summary: 'An owner booking their own listing', detail: 'You cannot rent your own listing' },
  not_renter: { summary: 'Only the renter may pay', detail: 'Only the renter of this rental can pay for it' },
  not_found: { summary: 'No route at this path', detail: 'No route for GET /api/nothing' },
  user_not_found: { summary: 'The signed-in user no longer exists', detail: 'User not found' },
  instrument_not_found: { summary: 'No such instrument', detail: 'Instrument not found' },
  listing_not_found: { summary: 'No such listing', detail: 'Listing not found' },
  rental_not_found: {
    summary: 'No such rental, or not one of the caller’s',
    detail: 'Rental not found',
  },
  payment_not_found: {
    summary: 'No such payment, or not one of the caller’s',
    detail: 'Payment not found',
  },
  refund_not_found: { summary: 'No such refund, or not one of the caller’s', detail: 'Refund not found' },
  receipt_not_found: {
    summary: 'The payment has not completed',
    detail: 'This payment has not completed: it has no receipt yet',
  },
  credit_note_not_found: {
    summary: 'The refund has not succeeded',
    detail: 'This refund is pending: only a succeeded refund has one',
  },
  payout_account_not_found: {
    summary: 'The caller has no payout account yet',
    detail: 'You have no payout account yet: create it with POST /api/me/payout-account',
  },
  claim_not_found: {
    summary: 'No such damage claim, or not one of the caller’s',
    detail: 'Damage claim not found',
  },
  method_not_allowed: {
    summary: 'Another method is allowed here',
    detail: 'PUT is not allowed here; use GET',
  },
  email_taken: {
    summary: 'The email is registered already',
    detail: 'An account with this email already exists',
  },
  listing_inactive: {
    summary: 'The listing is deactivated',
    detail: 'This listing is not available for rent',
  },
  listing_unavailable: {
    summary: 'Some of the dates are taken',
    detail: 'The listing is already booked for some of these dates',
  },
  rental_not_cancellable: {
    summary: 'The rental is past cancelling',
    detail: 'A completed rental cannot be cancelled',
  },
  rental_not_completable: {
    summary: 'The rental is not active',
    detail: 'Only an active rental can be completed',
  },
  rental_not_payable: {
    summary: 'The rental is not pending',
    detail: 'Rental is cancelled; only a pending rental can be paid',
  },
  rental_hold_expired: {
    summary: 'The hold on the dates lapsed',
    detail: 'The hold on these dates has expired; book the rental again',
  },
  rental_hold_exists: {
    summary: 'The renter holds this listing already',
    detail: 'You already hold unpaid dates on this listing; pay for them or cancel them first',
  },
  rental_hold_limit: {
    summary: 'Too many unpaid holds',
    detail: 'You already hold 3 unpaid rentals, the most at once; pay for or cancel one first',
  },
  rental_not_started: {
    summary: 'The rental has not started',
    detail: 'The rental starts on 2026-12-24; it cannot be returned before',
  },
  rental_already_paid: {
    summary: 'The renter paid meanwhile',
    detail: 'The renter has already paid for this rental (payment completed); refund it instead',
  },
  payment_intent_mismatch: {
    summary: 'The PaymentIntent is another rental’s',
    detail: 'This PaymentIntent does not belong to this rental',
  },
  payment_not_refundable: {
    summary: 'The payment is not in a refundable state',
    detail: 'A pending payment cannot be refunded',
  },
  payment_already_completed: { summary: 'The rental is paid', detail: 'Payment is already completed' },
  refund_in_progress: {
    summary: 'Another refund of this payment is being sent',
    detail: 'An earlier refund of this payment is still being sent to Stripe; retry',
  },
  payment_attempt_in_progress: {
    summary: 'A payment attempt is being confirmed',
    detail: 'The previous attempt is processing; retry shortly',
  },
  payout_account_required: {
    summary: "The owner's payout account cannot receive transfers yet",
    detail:
      'A listing can be offered for rent once your payout account can receive transfers: finish onboarding (POST /api/me/payout-account/onboarding-link)',
  },
  deposit_not_authorizable: {
    summary: 'The deposit is not waiting for the renter',
    detail: 'The deposit is held; there is nothing to authorize',
  },
  deposit_not_releasable: {
    summary: 'Nothing to release, or a claim on it is being collected',
    detail: 'The deposit is captured; there is nothing to release',
  },
  deposit_not_claimable: {
    summary: 'No deposit to claim against, or not yet',
    detail: 'The deposit is released; a claim can no longer be filed',
  },
  claim_window_closed: {
    summary: 'The claim window has closed',
    detail: 'Claims on this rental could be filed until 2026-12-29T00:00:00.000Z',
  },
  claim_exists: {
    summary: 'The rental has a claim already',
    detail: 'A damage claim was already filed for this rental',
  },
  claim_not_open: {
    summary: 'The claim is no longer waiting for the renter',
    detail: 'The claim is accepted; it can no longer be answered',
  },
  claim_not_contested: {
    summary: 'Only a contested claim is decided by an admin',
    detail: 'The claim is open; only a contested claim can be decided',
  },
  handover_not_refusable: {
    summary: 'The deposit is held, or the rental has not started or is over',
    detail: 'The deposit is held: the instrument must be handed over',
  },
  invalid_signature: {
    summary: 'The Stripe-Signature header does not match',
    detail: 'Stripe-Signature does not match the body',
  },
  refund_exceeds_remaining: {
    summary: 'More than what is left to refund',
    detail: 'The refund exceeds what remains of this payment',
  },
  claim_exceeds_deposit: {
    summary: 'More than the deposit',
    detail: 'A claim can be at most the deposit, 10000 usd',
    errors: [{ path: 'body.amount', message: 'At most the deposit, 10000' }],
  },
  decision_exceeds_claim: {
    summary: 'More than was claimed',
    detail: 'The decision can be at most the amount claimed, 6000',
    errors: [{ path: 'body.amount', message: 'At most the amount claimed, 6000' }],
  },
  amount_too_large: {
    summary: 'Above what one card payment can be',
    detail: 'daily_rate × days exceeds 99999999, the most one card payment can be',
  },
  amount_too_small: { summary: 'Below Stripe’s minimum charge', detail: 'Amount must be at least $0.50 usd' },
  redirect_not_allowed: {
    summary: 'A return or refresh URL is not on the allow-list',
    detail: 'Invalid body.return_url: not an allowed origin',
    errors: [
      {
        path: 'body.return_url',
        message: 'Must start with an allowed origin (PAYOUT_ONBOARDING_ORIGINS: https://example.com)',
      },
    ],
  },
  payment_failed: {
    summary:
      'The card was declined or the payment failed; extension members `decline_code` and, from confirm, ' +
      "`payment_id` and `payment_status` (the payment's own status: `status` is always the HTTP status)",
    detail: 'Your card was declined.',
    extra: {
      decline_code: 'generic_decline',
      payment_id: 'pay_4fJx0aQ2mTn8LzR1vWc3',
      payment_status: 'failed',
    },
  },
  payload_too_large: {
    summary: 'The body is too large',
    detail: `Request bodies are limited to ${MAX_BODY_BYTES} bytes`,
  },
  unsupported_media_type: {
    summary: 'The body is not JSON',
    detail: 'Request bodies must be application/json',
  },
  rate_limited: { summary: 'Too many requests', detail: 'Too many requests; slow down and retry later' },
  internal_error: { summary: 'Unexpected error', detail: 'Unexpected error; quote the request id' },
  stripe_error: {
    summary: 'Stripe refused the request',
    detail: 'Stripe refused the request (StripeAPIError)',
  },
  stripe_unavailable: {
    summary: 'Stripe could not be reached',
    detail: 'Stripe could not be reached; retry shortly (nothing was charged twice)',
  },
} as const satisfies Record<ErrorCode, Example>

function exampleOf(code: ErrorCode) {
  const example: Example = examples[code]
  const error = new ApiError(code, example.detail, { errors: example.errors, extra: example.extra })
  return { summary: example.summary, value: problemBody(error, 'req_8sKq2VbN0xTf4WmLc7Rz') }
}

type Responses = Record<string, { description: string; content?: Record<string, { examples?: object }> }>

/**
 * Fills in, in place, each problem response that problemResponses (error-responses.ts) declared: its
 * description from the summaries of its codes, and an example body per code.
 */
export function withProblemExamples<D extends { paths?: object }>(document: D): D {
  for (const methods of Object.values(document.paths ?? {}) as Record<string, { responses?: Responses }>[]) {
    for (const { responses = {} } of Object.values(methods)) {
      for (const response of Object.values(responses)) {
        const problem = response.content?.['application/problem+json']
        if (!problem?.examples) continue
        const codes = Object.keys(problem.examples) as ErrorCode[]
        response.description = codes.map((code) => `\`${code}\`: ${examples[code].summary}.`).join(' ')
        problem.examples = Object.fromEntries(codes.map((code) => [code, exampleOf(code)]))
      }
    }
  }
  return document
}
