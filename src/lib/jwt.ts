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

interface CachedToken {
  settings: Settings
  verified: VerifiedToken
  /** exp + clock tolerance, in ms since the epoch: the entry is ignored (and dropped) from then on. */
  validUntil: number
}

/** At most this many verified tokens are remembered per isolate (the oldest is forgotten first). */
export const MAX_CACHED_TOKENS = 1000
const verifiedTokens = new Map<string, CachedToken>()

/**
 * Our own tokens, once verified, are remembered by their exact text until they expire: a client sends the
 * same token on every call, and a repeat then costs a map lookup instead of an HMAC and two base64/JSON
 * decodes. Only a byte-identical token verified under the same settings hits; exp is re-checked on each hit.
 */
function rememberedToken(settings: Settings, token: string): VerifiedToken | undefined {
  const cached = verifiedTokens.get(token)
  if (!cached) return undefined
  if (cached.settings === settings && Date.now() < cached.validUntil) return cached.verified
  verifiedTokens.delete(token)
  return undefined
}

function remember(settings: Settings, token: string, verified: VerifiedToken): void {
  const exp = verified.payload.exp
  if (typeof exp !== 'number') return
  if (verifiedTokens.size >= MAX_CACHED_TOKENS) verifiedTokens.delete(verifiedTokens.keys().next().value!)
  verifiedTokens.set(token, { settings, verified, validUntil: (exp + CLOCK_TOLERANCE_SECONDS) * 1000 })
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
  const remembered = rememberedToken(settings, token)
  if (remembered) return remembered
  const header = protectedHeaderAlgorithm(token)
  if (header === ALGORITHM) {
    const { payload } = await jwtVerify(token, await hmacKey(settings.JWT_SECRET), {
      algorithms: [ALGORITHM],
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    })
    const verified: VerifiedToken = { kind: 'backline', subject: payload.sub!, payload }
    remember(settings, token, verified)
    return verified
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
