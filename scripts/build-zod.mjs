// zod as wrangler's builds bundle it (scripts/build.mjs runs this before them, and wrangler.toml's [alias] points
// `zod` at the output). It differs from zod in two ways, both to keep out of the Worker what it never runs:
//  - It exports only what the Worker takes from zod: every name the app reads off its zod namespace
//    (`z.object`, `z.enum`, …, found in src/), and a `z` that is only `{ ZodType }`. @hono/zod-openapi passes
//    its `import { z } from 'zod'` to extendZodWithOpenApi as a value, which reads only `z.ZodType`; zod's own
//    `z`, taken as a value, would make the bundler keep all of zod, its 40-odd locales included (~250 KiB
//    minified, and their evaluation at start-up).
//  - zod's JSON Schema conversion (toJSONSchema, and the processor each schema class points at) is replaced by
//    functions that throw and say why: the Worker serves /openapi.json as a static asset built in Node
//    (scripts/build-openapi.mjs), so nothing in it converts a schema (18 KiB minified, 5 KiB gzipped). The
//    one helper of that module that schemas' introspection getters use (`.minLength`, `.format`, …),
//    aggregateChecks, is zod's own.
// The output is loaded and checked before wrangler sees it. The tests and the document build use zod itself.
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bundlePackage, importBuilt, sourceFiles } from './built-module.mjs'
import { writeIfChanged } from './write-if-changed.mjs'

export const OUTFILE = '.build/zod.mjs'

const NOT_IN_THE_WORKER =
  'zod converts no schema to JSON Schema in the Worker: /openapi.json is built in Node (scripts/build-zod.mjs, scripts/build-openapi.mjs)'

/**
 * Names read off a zod namespace in src/ (`z.object`, and `z` ending a line before `.object(…)`, as Prettier
 * wraps chains), among zod's runtime exports (so not `z.infer`).
 */
export async function namesTheAppUses(files = sourceFiles()) {
  const zod = await import('zod/v4')
  const names = new Set()
  for (const [, text] of files)
    for (const [, name] of text.matchAll(/\bz\s*\??\.\s*([A-Za-z_$][\w$]*)/g))
      if (name !== 'z' && Object.hasOwn(zod, name)) names.add(name)
  return [...names].sort()
}

/** The stand-in for one of zod's JSON Schema modules: each export throws when called (or read, for objects). */
async function standIn(realPath) {
  const real = await import(pathToFileURL(realPath).href)
  const lines = [`const unavailable = () => { throw new Error(${JSON.stringify(NOT_IN_THE_WORKER)}) }`]
  for (const [name, value] of Object.entries(real)) {
    if (name === 'aggregateChecks') lines.push(`export { aggregateChecks } from ${JSON.stringify(realPath)}`)
    // Schemas make these methods when they are read (`~standard.jsonSchema`): making one must not throw.
    else if (/^create\w+Method$/.test(name)) lines.push(`export const ${name} = () => unavailable`)
    else if (typeof value === 'function') lines.push(`export const ${name} = unavailable`)
    else lines.push(`export const ${name} = new Proxy({}, { get: unavailable })`)
  }
  return lines.join('\n')
}

const JSON_SCHEMA_MODULE = /^\.\.?\/(?:core\/)?(json-schema-processors|to-json-schema)\.js$/
const withoutJsonSchema = {
  name: 'zod-without-json-schema',
  setup(build) {
    const replaced = new Set()
    build.onResolve({ filter: JSON_SCHEMA_MODULE }, (args) => {
      if (args.namespace === 'zod-stand-in' || !/[/\\]node_modules[/\\]zod[/\\]/.test(args.importer))
        return undefined
      const path = fileURLToPath(new URL(args.path, pathToFileURL(args.importer)))
      replaced.add(JSON_SCHEMA_MODULE.exec(args.path)[1])
      return { path, namespace: 'zod-stand-in' }
    })
    build.onLoad({ filter: /.*/, namespace: 'zod-stand-in' }, async (args) => ({
      contents: await standIn(args.path),
      loader: 'js',
      resolveDir: join(args.path, '..'),
    }))
    build.onEnd((result) => {
      if (result.errors.length === 0 && replaced.size !== 2)
        throw new Error(
          `zod no longer imports json-schema-processors.js and to-json-schema.js as it did (replaced: ${[...replaced].join(', ') || 'none'}): update scripts/build-zod.mjs`,
        )
    })
  },
}

/** Arguments that make a schema of each zod function the app names that needs some (others get none). */
const SAMPLE_ARGUMENTS = {
  array: (zod) => [zod.string()],
  discriminatedUnion: (zod) => [
    't',
    [zod.object({ t: zod.literal('a') }), zod.object({ t: zod.literal('b') })],
  ],
  enum: () => [['a', 'b']],
  intersection: (zod) => [zod.object({}), zod.object({})],
  literal: () => ['a'],
  map: (zod) => [zod.string(), zod.number()],
  object: (zod) => [{ a: zod.string() }],
  record: (zod) => [zod.string(), zod.number()],
  tuple: (zod) => [[zod.string()]],
  union: (zod) => [[zod.string(), zod.number()]],
}

/**
 * Throws when building or using a schema of `make` (one of the functions the app names) reaches a stand-in;
 * other errors (a function that needs arguments this does not know) are not the stand-ins' doing.
 */
function reachesNoStandIn(name, make, zod) {
  try {
    const schema = make(...(SAMPLE_ARGUMENTS[name]?.(zod) ?? []))
    if (schema instanceof zod.ZodType) {
      schema.safeParse(undefined)
      void schema['~standard'].validate('a')
      void schema.description
    }
  } catch (error) {
    if (error.message === NOT_IN_THE_WORKER)
      throw new Error(`z.${name} uses zod's JSON Schema code, which the Worker's zod lacks`)
  }
}

/**
 * The bundle, loaded in Node: it parses, reports, introspects, refuses JSON Schema with the reason, and no
 * function the app names reaches JSON Schema code while making or using a schema.
 */
async function check(code, names) {
  const zod = await importBuilt(OUTFILE, code)
  const missing = names.filter((name) => zod[name] === undefined)
  if (missing.length) throw new Error(`the Worker's zod lacks ${missing.join(', ')}`)
  if (Object.keys(zod.z).join() !== 'ZodType' || zod.z.ZodType !== zod.ZodType)
    throw new Error("the Worker's zod has a `z` other than { ZodType }")
  const schema = zod.object({ amount: zod.number().int().min(1), currency: zod.string().min(3).max(3) })
  const failed = schema.safeParse({ amount: 0, currency: 'usd' })
  const parsed = schema['~standard'].validate({ amount: 1, currency: 'eur' })
  if (
    failed.success ||
    failed.error.issues[0]?.message !== 'Too small: expected number to be >=1' ||
    parsed.value?.currency !== 'eur' ||
    schema.shape.currency.minLength !== 3
  )
    throw new Error("the Worker's zod does not parse, report or introspect as zod does")
  for (const convert of [() => schema.toJSONSchema(), () => schema['~standard'].jsonSchema.input()]) {
    let message
    try {
      convert()
    } catch (error) {
      message = error.message
    }
    if (message !== NOT_IN_THE_WORKER) throw new Error("the Worker's zod converts to JSON Schema")
  }
  for (const name of names) {
    const value = zod[name]
    // Factories (`string`), and the namespaces' (`iso.date`, `coerce.number`); not the classes (`ZodType`).
    if (typeof value === 'function' && /^[a-z]/.test(name)) reachesNoStandIn(name, value, zod)
    else if (typeof value === 'object')
      for (const [member, make] of Object.entries(value))
        if (typeof make === 'function' && /^[a-z]/.test(member))
          reachesNoStandIn(`${name}.${member}`, make, zod)
  }
}

/** Writes OUTFILE and checks it; prints one line. */
export async function buildZod() {
  const names = await namesTheAppUses()
  const { contents, inputs } = await bundlePackage(
    `export { ${names.join(', ')} } from 'zod/v4'\nimport { ZodType } from 'zod/v4'\nexport const z = { ZodType }\n`,
    OUTFILE,
    [withoutJsonSchema],
  )
  const locales = inputs
    .map((path) => /zod\/v4\/locales\/([\w-]+)\.js$/.exec(path)?.[1])
    .filter((locale) => locale && locale !== 'en')
  if (locales.length) throw new Error(`the Worker's zod bundles the locales ${locales.join(', ')}`)
  await check(contents, names)
  writeIfChanged(OUTFILE, contents)
  console.log(
    `zod: ${OUTFILE}, the ${names.length} names the app uses, without JSON Schema (${(contents.length / 1024).toFixed(0)} KiB unminified)`,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildZod()
