import { invalidRequest } from './errors'

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

function splitKey(key: string): string[] {
  const head = key.split('[', 1)[0] ?? key
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? '')
  return [head, ...rest]
}

type Node = { [key: string]: Node | string }

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function assign(root: Params, path: string[], value: string): void {
  let node = root as Node
  path.forEach((segment, index) => {
    const key = segment === '' ? String(Object.keys(node).length) : segment
    // Would write to Object.prototype (or a constructor) instead of a parameter: never a Stripe parameter.
    if (FORBIDDEN_KEYS.has(key)) throw invalidRequest(`Received unknown parameter: ${path.join('.')}`)
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
