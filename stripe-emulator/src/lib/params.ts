import { invalidRequest, missingParam, unknownParameter } from './errors'
import type { Param, Params } from './form'

const METADATA_KEY_LIMIT = 40
const METADATA_VALUE_LIMIT = 500
const METADATA_KEYS_LIMIT = 50

/**
 * Stripe answers `Received unknown parameter` (`parameter_unknown`) for anything an endpoint does not take; the
 * emulator answers it too for a parameter Stripe takes but the emulator does not implement.
 */
export function rejectUnknown(params: Params, allowed: readonly string[]): void {
  const unknown = Object.keys(params).find((key) => !allowed.includes(key))
  if (unknown) throw unknownParameter(unknown)
}

export function optionalString(params: Params, name: string): string | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${name}`, { param: name })
  return value
}

/** An email address ('' is taken: it unsets the field). */
export function optionalEmail(params: Params, name = 'email'): string | undefined {
  const email = optionalString(params, name)
  if (email !== undefined && email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw invalidRequest(`Invalid email address: ${email}`, { param: name })
  return email
}

/** `Received unknown parameter: address[colour]` for a key of a hash parameter the endpoint does not take. */
export function rejectUnknownIn(hash: Params, name: string, allowed: readonly string[]): void {
  const unknown = Object.keys(hash).find((key) => !allowed.includes(key))
  if (unknown) throw unknownParameter(`${name}[${unknown}]`)
}

/**
 * A hash parameter whose keys must all be `allowed` (`Received unknown parameter: path[key]` otherwise);
 * `path` is how Stripe names it, e.g. `settings[payouts]` for the `payouts` key of `settings`.
 */
export function hashOf(
  params: Params,
  name: string,
  allowed: readonly string[],
  path = name,
): Params | undefined {
  const hash = optionalHash(params, name)
  if (hash) rejectUnknownIn(hash, path, allowed)
  return hash
}

export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name)
  if (value === undefined || value === '') throw missingParam(name)
  return value
}

export function optionalInteger(params: Params, name: string): number | undefined {
  const value = optionalString(params, name)
  if (value === undefined) return undefined
  if (!/^-?\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, { param: name })
  return Number(value)
}

export function requiredInteger(params: Params, name: string): number {
  const value = optionalInteger(params, name)
  if (value === undefined) throw missingParam(name)
  return value
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = optionalString(params, name)
  if (value === undefined) return undefined
  if (value !== 'true' && value !== 'false') {
    throw invalidRequest(`Invalid boolean: ${value}`, { param: name })
  }
  return value === 'true'
}

export function optionalEnum<T extends string>(params: Params, name: string, values: readonly T[]) {
  const value = optionalString(params, name)
  if (value === undefined) return undefined
  if (!values.includes(value as T)) {
    throw invalidRequest(`Invalid ${name}: must be one of ${values.join(', ')}`, { param: name })
  }
  return value as T
}

export function optionalHash(params: Params, name: string): Params | undefined {
  const value = params[name]
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidRequest(`Invalid object`, { param: name })
  }
  return value
}

export function stringList(value: Param | undefined, name: string): string[] {
  if (value === undefined) return []
  const items = Array.isArray(value) ? value : [value]
  if (!items.every((item): item is string => typeof item === 'string')) {
    throw invalidRequest(`Invalid array`, { param: name })
  }
  return items
}

/** Merges `metadata[...]` into an object's metadata; an empty string removes a key, as in Stripe. */
export function mergeMetadata(current: Record<string, string>, params: Params) {
  const raw = params.metadata
  if (raw === undefined) return current
  if (raw === '') return {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidRequest('Invalid object', { param: 'metadata' })
  }
  const merged = { ...current }
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') throw invalidRequest('Invalid string', { param: `metadata[${key}]` })
    if (key.length > METADATA_KEY_LIMIT || value.length > METADATA_VALUE_LIMIT) {
      throw invalidRequest('Metadata keys are limited to 40 characters and values to 500.', {
        param: `metadata[${key}]`,
      })
    }
    if (value === '') delete merged[key]
    else merged[key] = value
  }
  if (Object.keys(merged).length > METADATA_KEYS_LIMIT) {
    throw invalidRequest('Metadata is limited to 50 keys.', { param: 'metadata' })
  }
  return merged
}
