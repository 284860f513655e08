const compiled = new Map<string, RegExp>()

/**
 * Matches a path against a pattern such as `/v1/transfers/:id/reversals/:sub` (compiled once per pattern) and
 * returns the decoded parameters in order ([] when the pattern has none), or null: no match, or a parameter
 * that is not valid %-encoding (`/v1/payment_intents/%E0`), which is no object of ours either.
 */
export function matchPathParams(pattern: string, path: string): string[] | null {
  let regex = compiled.get(pattern)
  if (!regex) compiled.set(pattern, (regex = new RegExp(`^${pattern.replace(/:[a-z]+/g, '([^/]+)')}$`)))
  const match = regex.exec(path)
  if (!match) return null
  try {
    return match.slice(1).map((segment) => decodeURIComponent(segment))
  } catch {
    return null
  }
}

/** The first parameter of `matchPathParams` ('' when the pattern has none), or null. */
export function matchPath(pattern: string, path: string): string | null {
  const params = matchPathParams(pattern, path)
  return params === null ? null : (params[0] ?? '')
}
