import { createRoute } from '@hono/zod-openapi'
import { JSON_BODY, NO_BODY, problemResponses, SIGNED_IN, STRIPE } from '../error-responses'
import { idParam, jsonBody, jsonContent, security } from '../schemas'
import { requireAuth } from '../../middleware/auth'
import {
  ClaimList,
  ClaimSchema,
  DecideClaimBody,
  DepositSchema,
  FileClaimBody,
  RefusedHandoverSchema,
} from './deposits.schemas'

const common = { tags: ['deposits'], security }

export const getDeposit = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}/deposit',
  summary:
    "A rental's security deposit (renter, owner or admin); the renter gets the client secret when it waits for them",
  request: { params: idParam('rnt') },
  responses: {
    200: { description: 'The deposit', ...jsonContent(DepositSchema) },
    ...problemResponses(SIGNED_IN, STRIPE, ['validation_failed', 'rental_not_found']),
  },
})

export const authorizeDeposit = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{id}/deposit/authorize',
  summary:
    'The card could not be held off-session: the client secret to confirm the hold on-session with Stripe.js (renter)',
  request: { params: idParam('rnt') },
  responses: {
    200: {
      description: 'The deposit, with client_secret while it waits for the renter',
      ...jsonContent(DepositSchema),
    },
    ...problemResponses(SIGNED_IN, NO_BODY, STRIPE, [
      'validation_failed',
      'rental_not_found',
      'not_renter',
      'deposit_not_authorizable',
    ]),
  },
})

export const releaseDeposit = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{id}/deposit/release',
  summary: 'Release the deposit now, withdrawing an open or contested claim (owner)',
  request: { params: idParam('rnt') },
  responses: {
    200: { description: 'The released deposit', ...jsonContent(DepositSchema) },
    ...problemResponses(SIGNED_IN, NO_BODY, [
      'validation_failed',
      'rental_not_found',
      'not_owner',
      'deposit_not_releasable',
    ]),
  },
})

export const refuseHandover = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{id}/deposit/refuse-handover',
  summary:
    'From the start, the deposit still not held: refuse the hand-over; the rental is cancelled, the renter refunded under its policy (owner)',
  request: { params: idParam('rnt') },
  responses: {
    200: {
      description: 'The cancelled rental and its failed deposit',
      ...jsonContent(RefusedHandoverSchema),
    },
    ...problemResponses(SIGNED_IN, NO_BODY, [
      'validation_failed',
      'rental_not_found',
      'not_owner',
      'handover_not_refusable',
      'rental_not_cancellable',
    ]),
  },
})

export const fileClaim = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'post',
  path: '/{id}/damage-claims',
  summary: 'File a damage claim against the deposit, within the claim window (owner)',
  request: { params: idParam('rnt'), body: jsonBody(FileClaimBody) },
  responses: {
    201: { description: 'The open claim', ...jsonContent(ClaimSchema) },
    ...problemResponses(SIGNED_IN, JSON_BODY, [
      'rental_not_found',
      'not_owner',
      'deposit_not_claimable',
      'claim_window_closed',
      'claim_exists',
      'claim_exceeds_deposit',
    ]),
  },
})

export const listClaims = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  method: 'get',
  path: '/{id}/damage-claims',
  summary: "A rental's damage claims (renter, owner or admin)",
  request: { params: idParam('rnt') },
  responses: {
    200: { description: 'The claims, oldest first', ...jsonContent(ClaimList) },
    ...problemResponses(SIGNED_IN, ['validation_failed', 'rental_not_found']),
  },
})

const claimAnswer = (verb: 'accept' | 'contest', summary: string, description: string) =>
  createRoute({
    ...common,
    middleware: [requireAuth] as const,
    tags: ['damage claims'],
    method: 'post',
    path: `/{id}/${verb}`,
    summary,
    request: { params: idParam('clm') },
    responses: {
      200: { description, ...jsonContent(ClaimSchema) },
      ...problemResponses(SIGNED_IN, NO_BODY, [
        'validation_failed',
        'claim_not_found',
        'not_renter',
        'claim_not_open',
      ]),
    },
  })

export const acceptClaim = claimAnswer(
  'accept',
  'Accept a damage claim: its amount is taken from the deposit (renter)',
  'The claim, captured (or accepted while Stripe is unreachable: the cron collects it)',
)

export const contestClaim = claimAnswer(
  'contest',
  'Contest a damage claim before respond_by: an admin decides the amount (renter)',
  'The contested claim',
)

export const decideClaim = createRoute({
  ...common,
  middleware: [requireAuth] as const,
  tags: ['admin'],
  method: 'post',
  path: '/{id}/decide',
  summary: 'Decide what a contested damage claim takes from the deposit (admin)',
  request: { params: idParam('clm'), body: jsonBody(DecideClaimBody) },
  responses: {
    200: {
      description: 'The decided claim, captured when the amount could be collected',
      ...jsonContent(ClaimSchema),
    },
    ...problemResponses(SIGNED_IN, JSON_BODY, [
      'forbidden',
      'claim_not_found',
      'claim_not_contested',
      'decision_exceeds_claim',
    ]),
  },
})

export type GetDepositRoute = typeof getDeposit
export type AuthorizeDepositRoute = typeof authorizeDeposit
export type ReleaseDepositRoute = typeof releaseDeposit
export type RefuseHandoverRoute = typeof refuseHandover
export type FileClaimRoute = typeof fileClaim
export type ListClaimsRoute = typeof listClaims
export type AcceptClaimRoute = typeof acceptClaim
export type ContestClaimRoute = typeof contestClaim
export type DecideClaimRoute = typeof decideClaim
