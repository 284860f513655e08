import { exportJWK, generateKeyPair, createLocalJWKSet, errors, SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { issueToken, verifyToken } from '../../../src/lib/jwt'
import { api, expectProblem } from '../../helpers/api'
import { createUser, settings } from '../../helpers/factories'
import { hostileTokens } from '../../helpers/tokens'

describe('GET /api/me', () => {
  it('returns the signed-in user', async () => {
    const user = await createUser()
    const res = await api('GET', '/api/me', { token: user.token })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: user.id, email: user.email, role: 'user' })
  })

  it('answers 401 unauthorized with a WWW-Authenticate header when there is no token', async () => {
    const res = await api('GET', '/api/me')
    expectProblem(res, 401, 'unauthorized')
    expect(res.headers.get('www-authenticate')).toContain('Bearer')
  })

  it('refuses a header that is not a bearer JWT', async () => {
    expectProblem(
      await api('GET', '/api/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
      401,
      'invalid_token',
    )
  })

  it('refuses every hostile token with 401 invalid_token', async () => {
    const user = await createUser()
    for (const [name, token] of Object.entries(await hostileTokens(user.id))) {
      const res = await api('GET', '/api/me', { token })
      expect({ name, status: res.status, code: res.body.code }).toEqual({
        name,
        status: 401,
        code: 'invalid_token',
      })
    }
  })

  it('answers 404 for a valid token of a deleted user', async () => {
    const ghost = await createUser()
    const { env } = await import('cloudflare:test')
    await env.DB.prepare('DELETE FROM users WHERE id = ?').bind(ghost.id).run()
    expectProblem(await api('GET', '/api/me', { token: ghost.token }), 404, 'user_not_found')
  })
})

describe('verified tokens remembered per isolate', () => {
  const issue = (sub: string) => issueToken(settings(), { sub, email: `${sub}@example.test`, role: 'user' })
  const at = async <T>(epochSeconds: number, run: () => Promise<T>): Promise<T> => {
    vi.useFakeTimers({ now: epochSeconds * 1000 })
    try {
      return await run()
    } finally {
      vi.useRealTimers()
    }
  }

  it('serves a repeat from memory until exp + 30 s, then refuses the token as expired', async () => {
    const current = settings()
    const token = await issue('usr_cached')
    const first = await verifyToken(current, token)
    const exp = first.payload.exp as number
    expect(await verifyToken(current, token)).toBe(first) // the remembered verification, not a new one
    expect(await at(exp + 29, () => verifyToken(current, token))).toBe(first)
    await expect(at(exp + 31, () => verifyToken(current, token))).rejects.toThrow(errors.JWTExpired)
  })

  it('verifies afresh under other settings (a rotated secret refuses the token)', async () => {
    const current = settings()
    const token = await issue('usr_rotated')
    await verifyToken(current, token)
    const rotated = { ...current, JWT_SECRET: 'another-secret-of-at-least-32-characters!!' }
    await expect(verifyToken(rotated, token)).rejects.toThrow(errors.JWSSignatureVerificationFailed)
  })
})

describe('external identity provider tokens (JWKS_URL)', () => {
  it('verifies an RS256 token against the provider key set and maps it to a local user', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }
    const keys = createLocalJWKSet({ keys: [jwk] })
    const external = {
      ...settings(),
      JWKS_URL: 'https://idp.example/jwks.json',
      JWKS_ISSUER: 'https://idp.example/',
    }
    const token = await new SignJWT({ email: 'ext@example.test' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('idp|123')
      .setIssuer('https://idp.example/')
      .setAudience(external.JWT_AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey)
    const verified = await verifyToken(external, token, keys)
    expect(verified).toMatchObject({ kind: 'external', subject: 'idp|123' })
    // Never served from memory: once the provider drops the key, the same token is refused.
    await expect(verifyToken(external, token, createLocalJWKSet({ keys: [] }))).rejects.toThrow()
    await expect(verifyToken({ ...external, JWKS_ISSUER: 'https://other/' }, token, keys)).rejects.toThrow()
    // With no provider configured, an RS256 token is refused outright.
    await expect(verifyToken(settings(), token)).rejects.toThrow(/algorithm/)
  })
})
