import { unknownParameter } from './errors'

/** A decoded Stripe request: `metadata[k]=v` nests, `expand[]=a` and `expand[0]=a` become arrays. */
export type Param = string | Param[] | { [key: string]: Param }
export type Params = { [key: string]: Param }

export function parseForm(encoded: string): Params {
  const root: Params = {}
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = splitKey(key)
    assign(root, path, value)
  }
  return normaliseArrays(root) as Params
}

/** `['metadata', 'k']` back to `metadata[k]`, as Stripe names a parameter. */
const formKey = (path: string[]) =>
  path[0] +
  path
    .slice(1)
    .map((segment) => `[${segment}]`)
    .join('')

function splitKey(key: string): string[] {
  const head = key.split('[', 1)[0] ?? key
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? '')
  return [head, ...rest]
}

type Node = { [key: string]: Node | string }

function assign(root: Params, path: string[], value: string): void {
  let node = root as Node
  path.forEach((segment, index) => {
    const key = segment === '' ? String(Object.keys(node).length) : segment
    // `__proto__` would write to Object.prototype instead of a parameter (every later request would see it).
    if (key === '__proto__') throw unknownParameter(formKey(path))
    if (index === path.length - 1) {
      node[key] = value
      return
    }
    const child = node[key]
    if (typeof child !== 'object') node[key] = {}
    node = node[key] as Node
  })
}

function normaliseArrays(value: Param): Param {
  if (typeof value === 'string' || Array.isArray(value)) return value
  const keys = Object.keys(value)
  const entries = keys.map((key) => [key, normaliseArrays(value[key] as Param)] as const)
  const isArray = keys.length > 0 && keys.every((key) => /^\d+$/.test(key))
  if (isArray) return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, item]) => item)
  return Object.fromEntries(entries)
}
