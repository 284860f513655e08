// drizzle-orm as wrangler's builds bundle it (scripts/build.mjs runs this before them; wrangler.toml's [alias]
// points each drizzle-orm module the app imports at the output). It is drizzle-orm, with two differences:
//  - One module exports every value the app imports from drizzle-orm, drizzle-orm/sqlite-core,
//    drizzle-orm/d1 and drizzle-orm/d1/session (found in src/ `import { … } from 'drizzle-orm…'`), and no
//    other.
//  - drizzle's SQL builder asks of each chunk whether it is a Postgres enum, with a function that it imports
//    from pg-core's enum column module, which brings pg-core's column classes into a SQLite Worker (1.2 KiB
//    gzipped). Here that function is the same function, copied from that module, without the rest of it.
// The output is loaded and checked before wrangler sees it. The tests and drizzle-kit use drizzle-orm itself.
import { readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { bundlePackage, importBuilt, sourceFiles } from './built-module.mjs'
import { topLevelConfig } from './bundle-worker.mjs'
import { writeIfChanged } from './write-if-changed.mjs'

export const OUTFILE = '.build/drizzle-orm.mjs'

/** The modules wrangler.toml's [alias] points at OUTFILE: the drizzle-orm modules the Worker may import. */
async function aliasedModules() {
  const { alias = {} } = await topLevelConfig()
  return Object.keys(alias).filter((module) => resolve(alias[module]) === resolve(OUTFILE))
}

/**
 * Each drizzle-orm module src/ imports values from, and those values' names (`import { a, type B } …`); a
 * module not in `modules` fails.
 */
export function importsOfTheApp(modules, files = sourceFiles()) {
  const imports = new Map()
  for (const [path, text] of files)
    for (const [statement, clause, module] of text.matchAll(
      /^(?:import|export) (?!type )([^'"]*?) ?from '(drizzle-orm[^']*)'/gm,
    )) {
      const names = /^\{([^}]*)\}$/.exec(clause)?.[1]
      if (!statement.startsWith('import') || names === undefined)
        throw new Error(
          `${path}: ${statement}: import drizzle-orm's values by name, which this build can find`,
        )
      if (!modules.includes(module))
        throw new Error(`${path} imports ${module}: point it at ${OUTFILE} in wrangler.toml's [alias]`)
      const values = names
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name && !name.startsWith('type '))
        .map((name) => name.split(/\s+as\s+/)[0])
      imports.set(module, new Set([...(imports.get(module) ?? []), ...values]))
    }
  return imports
}

/** isPgEnum and the symbol it reads, as pg-core/columns/enum.js defines them. */
export function isPgEnumOnly(enumModule) {
  const symbol = /^const isPgEnumSym = Symbol\.for\("drizzle:isPgEnum"\);$/m.exec(enumModule)?.[0]
  const predicate = /^function isPgEnum\(obj\) \{\n[^\n]*\n\}$/m.exec(enumModule)?.[0]
  if (!symbol || !predicate)
    throw new Error(
      'drizzle-orm/pg-core/columns/enum.js no longer defines isPgEnum as it did: update scripts/build-drizzle.mjs',
    )
  return `${symbol}\nexport ${predicate}\n`
}

const withoutPgCore = {
  name: 'drizzle-without-pg-core',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/pg-core\/columns\/enum\.js$/ }, (args) =>
      /[/\\]drizzle-orm[/\\]sql[/\\]sql\.js$/.test(args.importer)
        ? { path: fileURLToPath(new URL(args.path, pathToFileURL(args.importer))), namespace: 'is-pg-enum' }
        : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'is-pg-enum' }, (args) => ({
      contents: isPgEnumOnly(readFileSync(args.path, 'utf8')),
      loader: 'js',
    }))
  },
}

/** The bundle, loaded in Node: it builds SQLite statements, and every name the app imports is there. */
async function check(contents, names) {
  const drizzle = await importBuilt(OUTFILE, contents)
  const missing = names.filter((name) => drizzle[name] === undefined)
  if (missing.length) throw new Error(`the Worker's drizzle-orm lacks ${missing.join(', ')}`)
  const { sql, eq, and, sqliteTable, text, integer, SQLiteAsyncDialect } = drizzle
  const rentals = sqliteTable('rentals', { id: text('id').primaryKey(), days: integer('days').notNull() })
  const query = new SQLiteAsyncDialect().sqlToQuery(
    sql`select ${rentals.id} from ${rentals} where ${and(eq(rentals.id, 'r_1'), sql`${rentals.days} > ${2}`)}`,
  )
  if (
    query.sql !==
      'select "rentals"."id" from "rentals" where ("rentals"."id" = ? and "rentals"."days" > ?)' ||
    query.params.join() !== 'r_1,2'
  )
    throw new Error(`the Worker's drizzle-orm builds ${JSON.stringify(query)}`)
}

/** Writes OUTFILE and checks it; prints one line. */
export async function buildDrizzle() {
  const imports = importsOfTheApp(await aliasedModules())
  const seen = new Map()
  for (const [module, names] of imports)
    for (const name of names) {
      if (seen.has(name) && seen.get(name) !== module)
        throw new Error(`src/ imports ${name} from ${seen.get(name)} and ${module}: OUTFILE can export one`)
      seen.set(name, module)
    }
  const { contents, inputs } = await bundlePackage(
    [...imports].map(([module, names]) => `export { ${[...names].join(', ')} } from '${module}'\n`).join(''),
    OUTFILE,
    [withoutPgCore],
  )
  const pgCore = inputs.filter((path) => /^[^:]*drizzle-orm\/pg-core\/columns\//.test(path))
  if (pgCore.length)
    throw new Error(`the Worker's drizzle-orm bundles pg-core's columns (${pgCore.join(', ')})`)
  await check(contents, [...seen.keys()])
  writeIfChanged(OUTFILE, contents)
  console.log(
    `drizzle-orm: ${OUTFILE}, the ${seen.size} names the app imports, without pg-core's columns (${(contents.length / 1024).toFixed(0)} KiB unminified)`,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDrizzle()
