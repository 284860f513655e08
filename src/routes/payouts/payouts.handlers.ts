import type { AppRouteHandler } from '../route-handler'
import {
  createPayoutAccount,
  getPayoutAccount,
  onboardingLink as createOnboardingLink,
  toPayoutAccountJson,
} from '../../use-cases/payouts/payout-accounts'
import { earningsCsv, ownerEarnings } from '../../use-cases/payouts/earnings'
import { listOwnPayouts, toPayoutJson } from '../../use-cases/payouts/read-payouts'
import type {
  CreateAccountRoute,
  EarningsRoute,
  GetAccountRoute,
  ListRoute,
  OnboardingLinkRoute,
} from './payouts.routes'

export const createAccount: AppRouteHandler<CreateAccountRoute> = async (c) => {
  const { account, created } = await createPayoutAccount(c.var.services, c.var.user)
  return created ? c.json(toPayoutAccountJson(account), 201) : c.json(toPayoutAccountJson(account), 200)
}

export const getAccount: AppRouteHandler<GetAccountRoute> = async (c) => {
  const account = await getPayoutAccount(c.var.services, c.var.user, c.var.services.clock())
  return c.json(toPayoutAccountJson(account), 200)
}

export const onboardingLink: AppRouteHandler<OnboardingLinkRoute> = async (c) => {
  return c.json(await createOnboardingLink(c.var.services, c.var.user, c.req.valid('json')), 200)
}

/** JSON unless the client asks for CSV (an accountant's spreadsheet). */
export const earnings: AppRouteHandler<EarningsRoute> = async (c) => {
  const { from, to } = c.req.valid('query')
  const statement = await ownerEarnings(c.var.services, c.var.user, from, to)
  if (!(c.req.header('accept') ?? '').includes('text/csv')) return c.json(statement, 200)
  return c.body(earningsCsv(statement), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="earnings-${from}-${to}.csv"`,
  }) as unknown as ReturnType<typeof c.json<typeof statement, 200>>
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const page = await listOwnPayouts(c.var.services, c.var.user, c.req.valid('query'))
  return c.json({ data: page.rows.map(toPayoutJson), next_cursor: page.nextCursor }, 200)
}
