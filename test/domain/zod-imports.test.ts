import { describe, expect, it } from 'vitest'
import { sourceFiles } from '../helpers/source-files'

// In wrangler's builds `zod` is the Worker's own build of it (scripts/build-zod.mjs): it exports only the names
// the app reads off a namespace called `z` (`z.object`, found in src/), and its `z` holds only ZodType, so
// that the bundle keeps only the parts of zod the app names (BENCHMARKS.md, Bundle size). Tests import zod
// itself, so they would not notice code that reaches zod another way; these rules keep the app from doing so.
const ZOD_ITSELF = ['../../src/lib/zod.ts', '../../src/env.ts']

/** Value imports and re-exports of zod or its wrappers other than `import * as z from …`. */
export function otherZodImports(text: string): string[] {
  return [...text.matchAll(/^(?:import|export) (?!type )([^'"]+?) from '(zod|[./]+lib\/zod)'/gm)]
    .filter(([statement, clause]) => !(statement.startsWith('import') && clause === '* as z'))
    .map(([statement]) => statement)
}

/** Uses of `z` other than reading a name off it (`z.object`, or `z` ending a line before `.object`). */
export function zAsValue(text: string): string[] {
  const code = text
    .replace(/\/\*[^]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/^import \* as z from .*$/gm, '')
  // Not `.z` (a property) or `a-z` (a character class).
  return [...code.matchAll(/^.*(?<![\w$.-])z\b(?!\s*\??\.).*$/gm)].map(([line]) => line.trim())
}

/** Value imports of the name `z` (`import { z } …`, `import { x, z as y } …`) from zod or its wrappers. */
export function importsOfZ(text: string): string[] {
  return [...text.matchAll(/import\s+\{([^}]*)\}\s+from\s+'(zod|@hono\/zod-openapi|[./]+lib\/zod)'/g)]
    .filter(([, names]) => names!.split(',').some((name) => /^\s*z(\s+as\s+\w+)?\s*$/.test(name)))
    .map(([statement]) => statement)
}

describe('zod is imported as a namespace, through src/lib/zod.ts', () => {
  it('finds what it looks for (the check itself can fail)', () => {
    expect(importsOfZ("import { z } from '@hono/zod-openapi'")).toHaveLength(1)
    expect(importsOfZ("import { createRoute, z } from '@hono/zod-openapi'")).toHaveLength(1)
    expect(importsOfZ("import { z as zod } from 'zod'")).toHaveLength(1)
    expect(importsOfZ("import { z } from '../../lib/zod'")).toHaveLength(1)
    expect(importsOfZ("import * as z from '../lib/zod'")).toEqual([])
    expect(importsOfZ("import { createRoute } from '@hono/zod-openapi'")).toEqual([])
    expect(importsOfZ("import { zValidator } from '@hono/zod-validator'")).toEqual([])
  })

  it('finds other ways into zod (the check itself can fail)', () => {
    expect(otherZodImports("import * as zod from '../lib/zod'")).toHaveLength(1)
    expect(otherZodImports("import { object } from '../../lib/zod'")).toHaveLength(1)
    expect(otherZodImports("import {\n  object,\n  string,\n} from 'zod'")).toHaveLength(1)
    expect(otherZodImports("export { object } from '../lib/zod'")).toHaveLength(1)
    expect(otherZodImports("import * as z from 'zod'")).toEqual([])
    expect(otherZodImports("import * as z from '../lib/zod'")).toEqual([])
    expect(otherZodImports("import type { ZodType } from '../lib/zod'")).toEqual([])
    expect(zAsValue('const names = Object.keys(z)')).toHaveLength(1)
    expect(zAsValue('const make = z[name]')).toHaveLength(1)
    expect(zAsValue("import * as z from '../lib/zod'\nconst A = z\n  .string()\n  .min(1)")).toEqual([])
    expect(zAsValue('type A = z.infer<typeof B> // the `z` namespace\n/* z */')).toEqual([])
    expect(zAsValue('const code = z.string().regex(/^[a-z]{3}$/)')).toEqual([])
  })

  it('reaches zod only through a namespace called z, whose names the Worker build finds', () => {
    const found = Object.entries(sourceFiles)
      .filter(([path]) => path !== '../../src/lib/zod.ts')
      .flatMap(([path, text]) => otherZodImports(text).map((statement) => `${path}: ${statement}`))
    expect(found).toEqual([])
  })

  it('only reads names off z (the Worker build exports those it finds, and no others)', () => {
    const found = Object.entries(sourceFiles).flatMap(([path, text]) =>
      zAsValue(text).map((line) => `${path}: ${line}`),
    )
    expect(found).toEqual([])
  })

  it('never takes the `z` object of zod or @hono/zod-openapi', () => {
    expect(Object.keys(sourceFiles).length).toBeGreaterThan(30)
    const found = Object.entries(sourceFiles).flatMap(([path, text]) =>
      importsOfZ(text).map((statement) => `${path}: ${statement}`),
    )
    expect(found).toEqual([])
  })

  it('imports zod itself only where .openapi() is not needed: schemas go through lib/zod (which loads it)', () => {
    const direct = Object.entries(sourceFiles)
      .filter(([path, text]) => !ZOD_ITSELF.includes(path) && /from 'zod(\/[\w/-]+)?'/.test(text))
      .map(([path]) => path)
    expect(direct).toEqual([])
  })
})
