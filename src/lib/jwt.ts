import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose'
import type { Settings } from '../env'

const encoder = new TextEncoder()
const CLOCK_TOLERANCE_SECONDS = 30
const ALGORITHM = 'HS256'
const EXTERNAL_ALGORITHMS = ['RS256', 'ES256', 'EdDSA']

export interface IssuedClaims {
  sub: string
  email: string
  role: 'user' | 'admin'
}

export async function issueToken(settings: Settings, claims: IssuedClaims): Promise<string> {
  return new SignJWT({ email: claims.email, role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(settings.JWT_ISSUER)
    .setAudience(settings.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${settings.JWT_TTL_SECONDS}s`)
    .sign(encoder.encode(settings.JWT_SECRET))
}

export type VerifiedToken =
  | { kind: 'backline'; subject: string; payload: JWTPayload }
  | { kind: 'external'; subject: string; payload: JWTPayload }

const hmacKeys = new Map<string, Promise<CryptoKey>>()

/** The HMAC key is imported once per isolate and secret, not on every request. */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ])
    hmacKeys.set(secret, key)
  }
  return key
}

// Kept at module scope: createRemoteJWKSet caches the provider's keys between requests of one isolate.
const remoteKeySets = new Map<string, JWTVerifyGetKey>()

function remoteKeySet(url: string): JWTVerifyGetKey {
  let keySet = remoteKeySets.get(url)
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(url), { timeoutDuration: 3000, cooldownDuration: 30_000 })
    remoteKeySets.set(url, keySet)
  }
  return keySet
}

/**
 * Our own tokens are HS256 with JWT_SECRET. Tokens of an external identity provider (JWKS_URL set) are
 * asymmetric and verified against its key set. The algorithm, exp, iss and aud are always required.
 */
export async function verifyToken(
  settings: Settings,
  token: string,
  externalKeys: JWTVerifyGetKey | undefined = settings.JWKS_URL ? remoteKeySet(settings.JWKS_URL) : undefined,
): Promise<VerifiedToken> {
  const header = protectedHeaderAlgorithm(token)
  if (header === ALGORITHM) {
    const { payload } = await jwtVerify(token, await hmacKey(settings.JWT_SECRET), {
      algorithms: [ALGORITHM],
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    })
    return { kind: 'backline', subject: payload.sub!, payload }
  }
  if (externalKeys && header && EXTERNAL_ALGORITHMS.includes(header)) {
    const { payload } = await jwtVerify(token, externalKeys, {
      algorithms: EXTERNAL_ALGORITHMS,
      issuer: settings.JWKS_ISSUER!,
      audience: settings.JWKS_AUDIENCE ?? settings.JWT_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    })
    return { kind: 'external', subject: payload.sub!, payload }
  }
  throw new errors.JOSEAlgNotAllowed('Token algorithm is not allowed')
}

function protectedHeaderAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg
  } catch {
    throw new errors.JWTInvalid('Token is malformed')
  }
}
