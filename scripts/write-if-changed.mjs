import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Writes a build output only when its content differs: `wrangler dev` reloads on every write of a module it
 * bundles or an asset it serves, and most rebuilds change nothing.
 */
export function writeIfChanged(path, contents) {
  let current
  try {
    current = readFileSync(path)
  } catch {
    current = undefined
  }
  const next = Buffer.from(contents)
  if (current?.equals(next)) return false
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, next)
  return true
}
