import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { ApiError } from '../lib/errors'

/** The bindings' period (wrangler.toml): a refused client may retry after at most this long. */
const PERIOD_SECONDS = 60

async function enforceRateLimit(limiter: RateLimit | undefined, key: string): Promise<void> {
  if (!limiter) return
  const { success } = await limiter.limit({ key })
  if (!success) {
    throw new ApiError('rate_limited', 'Too many requests; slow down and retry later', {
      headers: { 'Retry-After': String(PERIOD_SECONDS) },
    })
  }
}

/**
 * Per client address, for the unauthenticated routes that cost a password hash. Cloudflare sets
 * CF-Connecting-IP on every request at the edge (a client cannot forge it); locally it may be absent.
 */
export const limitByClientAddress = createMiddleware<AppEnv>(async (c, next) => {
  await limitClientAddress(c)
  await next()
})

export const limitClientAddress = (c: Context<AppEnv>) =>
  enforceRateLimit(c.env.AUTH_RATE_LIMITER, `ip:${c.req.header('cf-connecting-ip') ?? 'local'}`)

/** Per signed-in user, for everything a user does once signed in (the API's requireAuth, the dashboard). */
export const limitUser = (c: Context<AppEnv>, userId: string) =>
  enforceRateLimit(c.env.USER_RATE_LIMITER, `user:${userId}`)
