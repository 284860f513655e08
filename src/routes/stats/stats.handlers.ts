import { ownerStats } from '../../use-cases/owner-stats'
import type { AppRouteHandler } from '../route-handler'
import type { OwnerStatsRoute } from './stats.routes'

export const owner: AppRouteHandler<OwnerStatsRoute> = async (c) => {
  const { from, to } = c.req.valid('query')
  return c.json(await ownerStats(c.var.services, c.var.user, from, to), 200)
}
