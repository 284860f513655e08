import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../helpers/api'
import { createUser } from '../helpers/factories'

// The limits of wrangler.toml [[ratelimits]]: 30 per minute per address on auth, 300 per minute per user.
const AUTH_LIMIT = 30
const USER_LIMIT = 300

describe('rate limiting', () => {
  it('limits login and register per client address, with Retry-After', async () => {
    const headers = { 'cf-connecting-ip': '203.0.113.7' }
    // The limiter counts in fixed one-minute windows, so a run of attempts may straddle two: keep trying until
    // one is refused (at most three windows' worth); every attempt before it is answered on its merits (400).
    const statuses: number[] = []
    let refused: Awaited<ReturnType<typeof api>> | undefined
    while (!refused && statuses.length < 3 * AUTH_LIMIT) {
      const answer = await api('POST', statuses.length % 2 ? '/api/auth/register' : '/api/auth/login', {
        headers,
        body: { email: 'x' },
      })
      if (answer.status === 429) refused = answer
      else statuses.push(answer.status)
    }
    expect(statuses.length).toBeGreaterThanOrEqual(AUTH_LIMIT)
    expect(new Set(statuses)).toEqual(new Set([400]))
    expectProblem(refused!, 429, 'rate_limited')
    expect(refused!.headers.get('retry-after')).toBe('60')
    // Another address is not affected.
    const other = await api('POST', '/api/auth/login', {
      headers: { 'cf-connecting-ip': '203.0.113.8' },
      body: {},
    })
    expect(other.status).toBe(400)
  })

  it('limits authenticated requests per user', async () => {
    const busy = await createUser()
    const calm = await createUser()
    // The limiter counts in fixed one-minute windows, so a burst may straddle two: send bursts of the limit
    // until one is refused (under load a burst takes seconds), then check what was refused and who was not.
    let refused: Awaited<ReturnType<typeof api>> | undefined
    for (let burst = 0; burst < 3 && !refused; burst++) {
      const answers = await Promise.all(
        Array.from({ length: USER_LIMIT }, () => api('GET', '/api/me', { token: busy.token })),
      )
      expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 429)).toEqual([])
      refused = answers.find((answer) => answer.status === 429)
    }
    expectProblem(refused!, 429, 'rate_limited')
    expect((await api('GET', '/api/me', { token: calm.token })).status).toBe(200)
  })
})
