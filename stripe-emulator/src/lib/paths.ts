const compiled = new Map<string, RegExp>()

/**
 * Matches a path against a pattern such as `/v1/payment_intents/:id` (compiled once per pattern) and returns
 * the decoded id ('' when the pattern has none), or null: no match, or an id that is not valid %-encoding
 * (`/v1/payment_intents/%E0`), which is no object of ours either.
 */
export function matchPath(pattern: string, path: string): string | null {
  let regex = compiled.get(pattern)
  if (!regex) compiled.set(pattern, (regex = new RegExp(`^${pattern.replace(':id', '([^/]+)')}$`)))
  const match = regex.exec(path)
  if (!match) return null
  try {
    return decodeURIComponent(match[1] ?? '')
  } catch {
    return null
  }
}
