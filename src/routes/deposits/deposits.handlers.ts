import type { AppRouteHandler } from '../route-handler'
import { authorizeDeposit } from '../../use-cases/deposits/authorize-deposit'
import {
  acceptClaim,
  contestClaim,
  decideClaim,
  fileClaim,
  listClaims,
  toClaimJson,
} from '../../use-cases/deposits/claims'
import { readDeposit } from '../../use-cases/deposits/read-deposit'
import { refuseHandover } from '../../use-cases/deposits/refuse-handover'
import { releaseDeposit } from '../../use-cases/deposits/release-deposit'
import { toRentalJson } from '../../use-cases/rentals/read-rentals'
import type {
  AcceptClaimRoute,
  AuthorizeDepositRoute,
  ContestClaimRoute,
  DecideClaimRoute,
  FileClaimRoute,
  GetDepositRoute,
  ListClaimsRoute,
  RefuseHandoverRoute,
  ReleaseDepositRoute,
} from './deposits.routes'

export const getDeposit: AppRouteHandler<GetDepositRoute> = async (c) =>
  c.json(await readDeposit(c.var.services, c.var.user, c.req.valid('param').id), 200)

export const authorize: AppRouteHandler<AuthorizeDepositRoute> = async (c) =>
  c.json(await authorizeDeposit(c.var.services, c.var.user, c.req.valid('param').id), 200)

export const release: AppRouteHandler<ReleaseDepositRoute> = async (c) =>
  c.json(await releaseDeposit(c.var.services, c.var.user, c.req.valid('param').id), 200)

export const refuse: AppRouteHandler<RefuseHandoverRoute> = async (c) => {
  const { rental, deposit } = await refuseHandover(c.var.services, c.var.user, c.req.valid('param').id)
  return c.json({ rental: toRentalJson(rental), deposit }, 200)
}

export const file: AppRouteHandler<FileClaimRoute> = async (c) => {
  const claim = await fileClaim(c.var.services, c.var.user, c.req.valid('param').id, c.req.valid('json'))
  return c.json(toClaimJson(claim, c.var.user), 201)
}

export const list: AppRouteHandler<ListClaimsRoute> = async (c) => {
  const claims = await listClaims(c.var.services, c.var.user, c.req.valid('param').id)
  return c.json({ data: claims.map((claim) => toClaimJson(claim, c.var.user)) }, 200)
}

export const accept: AppRouteHandler<AcceptClaimRoute> = async (c) =>
  c.json(toClaimJson(await acceptClaim(c.var.services, c.var.user, c.req.valid('param').id), c.var.user), 200)

export const contest: AppRouteHandler<ContestClaimRoute> = async (c) =>
  c.json(
    toClaimJson(await contestClaim(c.var.services, c.var.user, c.req.valid('param').id), c.var.user),
    200,
  )

export const decide: AppRouteHandler<DecideClaimRoute> = async (c) => {
  const claim = await decideClaim(
    c.var.services,
    c.var.user,
    c.req.valid('param').id,
    c.req.valid('json').amount,
  )
  return c.json(toClaimJson(claim, c.var.user), 200)
}
