const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function randomToken(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  return Array.from(bytes, (byte) => ALPHABET[byte % ALPHABET.length]).join('')
}

/** Stripe ids look like `pi_3PqR…`: a type prefix and 24 characters. */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(24)}`
}
