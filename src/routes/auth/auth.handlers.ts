import type { AppRouteHandler } from '../route-handler'
import { issueToken } from '../../lib/jwt'
import { authenticateUser, getUser, registerUser, toPublicUser } from '../../use-cases/users'
import type { Settings } from '../../env'
import type { LoginRoute, MeRoute, RegisterRoute } from './auth.routes'
import type { User } from '../../adapters/d1/schema'

const session = async (settings: Settings, user: User) => ({
  token: await issueToken(settings, { sub: user.id, email: user.email, role: user.role }),
  user: toPublicUser(user),
})

export const register: AppRouteHandler<RegisterRoute> = async (c) => {
  const user = await registerUser(c.var.services, c.req.valid('json'))
  return c.json(await session(c.var.settings, user), 201)
}

export const login: AppRouteHandler<LoginRoute> = async (c) => {
  const { email, password } = c.req.valid('json')
  const user = await authenticateUser(c.var.services, email, password)
  return c.json(await session(c.var.settings, user), 200)
}

export const me: AppRouteHandler<MeRoute> = async (c) => {
  return c.json(toPublicUser(await getUser(c.var.services, c.var.user.id)), 200)
}
