// The Worker's own builds of zod, drizzle-orm and the Stripe SDK (scripts/build-zod.mjs, build-drizzle.mjs,
// build-stripe.mjs; wrangler.toml's [alias]): how each finds what the app uses, and what each leaves out. The
// builds check their output as they write it; npm run bundle:size fails when the app uses a name a build
// lacks; test/e2e runs both payment lifecycles on the Worker built with them.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import {
  buildDrizzle,
  importsOfTheApp,
  isPgEnumOnly,
  OUTFILE as DRIZZLE,
} from '../../scripts/build-drizzle.mjs'
import { keptApi, slimResource } from '../../scripts/build-stripe.mjs'
import { undefinedImports } from '../../scripts/build.mjs'
import { buildZod, namesTheAppUses, OUTFILE as ZOD } from '../../scripts/build-zod.mjs'

const RESOURCE = `// File generated from our OpenAPI spec
import { StripeResource } from '../StripeResource.js';
export class ThingResource extends StripeResource {
    /**
     * Deletes a thing.
     */
    del(id, params, options) {
        return this._makeRequest('DELETE', \`/v1/things/\${encodeURIComponent(id)}\`, params, options);
    }
    /**
     * Retrieves a thing.
     */
    retrieve(id, params, options) {
        return this._makeRequest('GET', \`/v1/things/\${encodeURIComponent(id)}\`, params, options);
    }
    list(params, options) {
        return this._makeRequest('GET', '/v1/things', params, options, {
            methodType: 'list',
        });
    }
}
//# sourceMappingURL=Things.js.map`

test('a Stripe resource keeps the methods of STRIPE_API, each with its comment, and loses the others', () => {
  const slim = slimResource(RESOURCE, new Set(['retrieve', 'list']), 'Things.js')
  assert.match(slim, /\* Retrieves a thing\.\n {5}\*\/\n {4}retrieve\(id, params, options\) \{/)
  assert.match(slim, /\n {4}list\(params, options\) \{\n[^]*methodType: 'list',\n {8}\}\);\n {4}\}\n\}\n/)
  assert.doesNotMatch(slim, /del\(|Deletes/)
  assert.ok(slim.startsWith('// File generated') && slim.endsWith('//# sourceMappingURL=Things.js.map'))
})

test('a Stripe resource build fails on a method it lacks, or a class it cannot read', () => {
  assert.throws(
    () => slimResource(RESOURCE, new Set(['update']), 'Things.js'),
    /Things\.js: no method update/,
  )
  const getter = RESOURCE.replace('    list(params, options) {', '    get list() {')
  assert.throws(() => slimResource(getter, new Set(['del']), 'Things.js'), /line \d+ is not a method/)
  const unclosed = RESOURCE.replace(/ {4}\}\n\}\n/, '')
  assert.throws(() => slimResource(unclosed, new Set(['del']), 'Things.js'), /Things\.js/)
})

test("STRIPE_API is read from resources.ts's text, one resource per line, or the build fails", () => {
  const api = keptApi()
  assert.deepEqual([...api.get('customers')], ['create', 'del'])
  assert.ok(api.get('paymentIntents').has('capture'))
  const source =
    "export const STRIPE_API = {\n  charges: ['retrieve'],\n  refunds: ['create', 'list'],\n} as const"
  assert.deepEqual(
    [...keptApi(source)].map(([name, methods]) => [name, [...methods]]),
    [
      ['charges', ['retrieve']],
      ['refunds', ['create', 'list']],
    ],
  )
  assert.throws(() =>
    keptApi(source.replace("  refunds: ['create', 'list'],", "  refunds: [\n    'create',\n  ],")),
  )
  assert.throws(() => keptApi('export const STRIPE_RESOURCES = []'))
})

test('zod names are those read off a namespace called z that zod exports at run time', async () => {
  const names = await namesTheAppUses([
    [
      'a.ts',
      'const Amount = z.number().int().min(1)\ntype A = z.infer<typeof Amount>\nconst s = z.object({ a: z.iso.date() })',
    ],
    ['b.ts', '// z.email() in a comment counts too: it only costs bytes\nconst q = quiz.notZod()'],
    // As Prettier wraps a long chain.
    ['c.ts', "const Kind = z\n  .discriminatedUnion('type', [A, B])\n  .transform((value) => value)"],
  ])
  assert.deepEqual(names, ['discriminatedUnion', 'email', 'iso', 'number', 'object'])
})

test("the Worker's zod parses as zod does and refuses JSON Schema, saying why", async () => {
  await buildZod()
  const zod = await import(`${pathToFileURL(ZOD).href}?${Date.now()}`)
  const Money = zod.object({ amount: zod.number().int().min(1), currency: zod.string().length(3) })
  assert.deepEqual(Money.parse({ amount: 2500, currency: 'eur' }), { amount: 2500, currency: 'eur' })
  assert.equal(Money.safeParse({ amount: 0, currency: 'eur' }).error.issues[0].path[0], 'amount')
  assert.throws(() => Money.toJSONSchema(), /zod converts no schema to JSON Schema in the Worker/)
  assert.throws(() => Money['~standard'].jsonSchema.output(), /JSON Schema in the Worker/)
  assert.deepEqual(Object.keys(zod.z), ['ZodType'])
  assert.throws(() => zod.string()._zod.processJSONSchema({}, {}, {}), /JSON Schema in the Worker/)
})

test('drizzle-orm imports are found per module, values only, and an unknown module fails the build', () => {
  const modules = ['drizzle-orm', 'drizzle-orm/sqlite-core']
  const imports = importsOfTheApp(modules, [
    [
      'a.ts',
      "import { and, eq as equals, type SQL } from 'drizzle-orm'\nimport { sqliteTable } from 'drizzle-orm/sqlite-core'",
    ],
    [
      'b.ts',
      "import {\n  sql,\n  type GetColumnData,\n} from 'drizzle-orm'\nimport type { Database } from './client'",
    ],
  ])
  assert.deepEqual(
    [...imports].map(([module, names]) => [module, [...names]]),
    [
      ['drizzle-orm', ['and', 'eq', 'sql']],
      ['drizzle-orm/sqlite-core', ['sqliteTable']],
    ],
  )
  assert.throws(
    () => importsOfTheApp(modules, [['c.ts', "import { migrate } from 'drizzle-orm/d1/migrator'"]]),
    /c\.ts imports drizzle-orm\/d1\/migrator: point it at \.build\/drizzle-orm\.mjs in wrangler\.toml's \[alias\]/,
  )
  for (const statement of ["import * as d from 'drizzle-orm'", "export { sql } from 'drizzle-orm'"])
    assert.throws(
      () => importsOfTheApp(modules, [['d.ts', statement]]),
      /import drizzle-orm's values by name/,
    )
})

test("the Worker's drizzle-orm asks whether a chunk is a Postgres enum as drizzle does, without pg-core", async () => {
  const { pgEnum } = await import('drizzle-orm/pg-core')
  const { sql } = await import('drizzle-orm')
  const enumModule = readFileSync(
    new URL('pg-core/columns/enum.js', import.meta.resolve('drizzle-orm')),
    'utf8',
  )
  const { isPgEnum } = await import(`data:text/javascript,${encodeURIComponent(isPgEnumOnly(enumModule))}`)
  assert.equal(isPgEnum(pgEnum('mood', ['calm', 'loud'])), true)
  assert.equal(isPgEnum(sql`select 1`), false)
  assert.equal(
    isPgEnum(() => undefined),
    false,
  )
  assert.throws(() => isPgEnumOnly(enumModule.replace('function isPgEnum(obj)', 'const isPgEnum = (obj) =>')))

  await buildDrizzle()
  const built = readFileSync(DRIZZLE, 'utf8')
  assert.doesNotMatch(built, /class PgColumn\b|PgEnumColumnBuilder/)
  assert.match(built, /function isPgEnum\(obj\)/)
})

test('the build finds an import that a build of a package lacks, through a namespace and a re-export', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backline-imports-'))
  try {
    writeFileSync(join(dir, 'built.mjs'), 'export const object = () => 1\n')
    writeFileSync(join(dir, 'wrapper.mjs'), "export * from 'pkg'\n")
    writeFileSync(
      join(dir, 'entry.mjs'),
      "import * as z from './wrapper.mjs'\nexport default { fetch: () => new Response(String([z.object(), z.url()])) }\n",
    )
    const found = await undefinedImports(join(dir, 'entry.mjs'), { pkg: join(dir, 'built.mjs') })
    assert.equal(found.length, 1)
    assert.match(found[0], /entry\.mjs:2: Import "url" will always be undefined/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
