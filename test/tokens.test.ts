import { exportJWK, generateKeyPair, createLocalJWKSet, errors, SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { issueToken, verifyToken } from '../src/lib/jwt'
import { api, expectProblem } from './helpers/api'
import { createUser, settings } from './helpers/factories'
import { hostileTokens } from './helpers/tokens'

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
  it('accepts a repeat of a verified token only until it expires, and only under the same settings', async () => {
    const current = settings()
    const token = await issueToken(current, { sub: 'usr_cached', email: 'cached@example.test', role: 'user' })
    const first = await verifyToken(current, token)
    expect(await verifyToken(current, token)).toBe(first) // the remembered verification
    // Another secret (a new settings object) verifies the token afresh, and refuses it.
    await expect(
      verifyToken({ ...current, JWT_SECRET: 'another-secret-of-at-least-32-characters!!' }, token),
    ).rejects.toThrow(errors.JWSSignatureVerificationFailed)
    // Past exp + the 30 s tolerance, the remembered entry no longer counts: the token is expired.
    vi.useFakeTimers({ now: ((first.payload.exp as number) + 31) * 1000 })
    try {
      await expect(verifyToken(current, token)).rejects.toThrow(errors.JWTExpired)
    } finally {
      vi.useRealTimers()
    }
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
    await expect(verifyToken({ ...external, JWKS_ISSUER: 'https://other/' }, token, keys)).rejects.toThrow()
    // With no provider configured, an RS256 token is refused outright.
    await expect(verifyToken(settings(), token)).rejects.toThrow(/algorithm/)
  })
})
