import { SignJWT, UnsecuredJWT } from 'jose'
import { settings } from './factories'

const encoder = new TextEncoder()

/** Tokens that must all be refused, each for one reason. */
export async function hostileTokens(userId: string): Promise<Record<string, string>> {
  const s = settings()
  const sign = (
    claims: { iss?: string; aud?: string; exp?: string | number },
    secret = s.JWT_SECRET,
    alg = 'HS256',
  ) => {
    const jwt = new SignJWT({ email: 'x@example.test', role: 'user' })
      .setProtectedHeader({ alg })
      .setSubject(userId)
      .setIssuedAt()
      .setIssuer(claims.iss ?? s.JWT_ISSUER)
      .setAudience(claims.aud ?? s.JWT_AUDIENCE)
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp)
    return jwt.sign(encoder.encode(secret))
  }
  return {
    malformed: 'not.a.jwt',
    expired: await sign({ exp: Math.floor(Date.now() / 1000) - 3600 }),
    without_exp: await sign({}),
    wrong_signature: await sign({ exp: '1h' }, 'another-secret-that-is-long-enough-0123456789'),
    wrong_algorithm: await sign({ exp: '1h' }, s.JWT_SECRET, 'HS512'),
    alg_none: new UnsecuredJWT({ email: 'x@example.test', role: 'admin' })
      .setSubject(userId)
      .setIssuer(s.JWT_ISSUER)
      .setAudience(s.JWT_AUDIENCE)
      .setExpirationTime('1h')
      .encode(),
    wrong_audience: await sign({ exp: '1h', aud: 'someone-else' }),
    wrong_issuer: await sign({ exp: '1h', iss: 'https://evil.example' }),
  }
}
