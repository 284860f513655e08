const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

export type IdPrefix =
  'usr' | 'ins' | 'lst' | 'rnt' | 'pay' | 'ref' | 'aud' | 'req' | 'pyo' | 'dep' | 'dpi' | 'clm'

/** Prefixed random ids (`rnt_4f…`): readable in logs, and one path can tell a rental id from a payment id. */
export function newId(prefix: IdPrefix, length = 20): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let id = ''
  for (const byte of bytes) id += alphabet[byte % alphabet.length]
  return `${prefix}_${id}`
}
