/**
 * Stripe's `previous_attributes` of an update: the former value of each top-level field that changed (null for
 * one that did not exist before). Empty when nothing changed, and then no `*.updated` event is recorded.
 */
export function previousAttributes<T extends object>(before: T, after: T): Partial<Record<keyof T, unknown>> {
  const previous: Partial<Record<keyof T, unknown>> = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key] ?? null
  }
  return previous
}
