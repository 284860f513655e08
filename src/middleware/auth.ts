import { errors as joseErrors } from 'jose'
import { createMiddleware } from 'hono/factory'
import type { AuthUser } from '../env'
import type { AppEnv } from '../app-env'
import { ApiError } from '../lib/errors'
import { verifyToken } from '../lib/jwt'
import { findOrCreateExternalUser } from '../use-cases/users'
import { limitUser } from './rate-limit'

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/

/**
 * Requires `Authorization: Bearer <JWT>`. Our own tokens carry the user id, email and role, so no D1 read
 * is needed (a role change applies when the token expires); external identity-provider tokens are mapped
 * to a local user by their `sub`. Every authenticated request counts against the user's rate limit.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization')
  if (!header)
    throw new ApiError('unauthorized', 'Authorization header with a Bearer token is required', wwwAuth())
  const token = BEARER.exec(header)?.[1]
  if (!token) throw new ApiError('invalid_token', 'Authorization header must be "Bearer <JWT>"', wwwAuth())
  const user = await userFromToken(c.var, token)
  await limitUser(c, user.id)
  c.set('user', user)
  await next()
})

/** The user a token names: our own tokens by their claims, external ones mapped to a local user. */
export async function userFromToken(vars: AppEnv['Variables'], token: string): Promise<AuthUser> {
  try {
    const verified = await verifyToken(vars.settings, token)
    if (verified.kind === 'external') {
      const email = typeof verified.payload.email === 'string' ? verified.payload.email : undefined
      return await findOrCreateExternalUser(vars.services, verified.subject, email)
    }
    const { email, role } = verified.payload
    if (typeof email !== 'string' || (role !== 'user' && role !== 'admin')) {
      throw new ApiError('invalid_token', 'Token is missing required claims', wwwAuth())
    }
    return { id: verified.subject, email, role }
  } catch (error) {
    if (error instanceof ApiError) throw error
    if (error instanceof joseErrors.JOSEError) {
      throw new ApiError('invalid_token', tokenProblem(error), wwwAuth('invalid_token'))
    }
    throw error
  }
}

function tokenProblem(error: joseErrors.JOSEError): string {
  if (error instanceof joseErrors.JWTExpired) return 'Token has expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `Token claim "${error.claim}" is invalid`
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'Token algorithm is not allowed'
  return 'Token is invalid'
}

function wwwAuth(error?: string) {
  const value = error ? `Bearer realm="backline", error="${error}"` : 'Bearer realm="backline"'
  return { headers: { 'WWW-Authenticate': value } }
}
