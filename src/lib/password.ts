/**
 * PBKDF2-SHA256 through WebCrypto. Production Workers refuse more than 100,000 iterations
 * (https://github.com/cloudflare/workerd/issues/1346) while local workerd does not, so the cap lives here.
 * 100,000 iterations cost about 11 ms of CPU (BENCHMARKS.md): over the free plan's 10 ms, fine on paid plans.
 */
export const PBKDF2_MAX_ITERATIONS = 100_000
const SALT_BYTES = 16
const HASH_BITS = 256
const encoder = new TextEncoder()

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0))

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    HASH_BITS,
  )
  return new Uint8Array(bits)
}

export async function hashPassword(password: string, iterations = PBKDF2_MAX_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
  const hash = await derive(password, salt, Math.min(iterations, PBKDF2_MAX_ITERATIONS))
  return `pbkdf2-sha256$${Math.min(iterations, PBKDF2_MAX_ITERATIONS)}$${toBase64(salt)}$${toBase64(hash)}`
}

/** Constant-time comparison of the derived key (crypto.subtle.timingSafeEqual is a workerd extension). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterationText, saltText, hashText] = stored.split('$')
  const iterations = Number(iterationText)
  if (scheme !== 'pbkdf2-sha256' || !saltText || !hashText) return false
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) return false
  const expected = fromBase64(hashText)
  const actual = await derive(password, fromBase64(saltText), iterations)
  return actual.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(actual, expected)
}

/** A hash of a random password, compared against when the email is unknown so that login takes the same time. */
export const DUMMY_PASSWORD_HASH =
  'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
