// What the Worker's bundle and its static assets need before wrangler builds it: the zod, drizzle-orm, Stripe
// SDK and zod-to-openapi modules that wrangler.toml's [alias] names, and public/openapi.json. `npm run deploy` (and
// every `--env production` build: bundle:size, check startup, the browser tests) runs it as its [build]
// command; `npm run dev` runs it at start and again when src/ changes (scripts/dev.mjs).
import { fileURLToPath } from 'node:url'
import { buildDrizzle } from './build-drizzle.mjs'
import { buildOpenApi } from './build-openapi.mjs'
import { buildStripe } from './build-stripe.mjs'
import { buildZod } from './build-zod.mjs'
import { bundleWorker, topLevelConfig } from './bundle-worker.mjs'

/** The imports of `entry`, bundled with `aliases` as wrangler's [alias], that will be undefined at run time. */
export async function undefinedImports(entry, aliases) {
  const { warnings } = await bundleWorker(entry, '.build/import-check.js', { aliases, write: false })
  return warnings
    .filter((warning) => warning.id === 'import-is-undefined')
    .map(({ location, text }) => `${location?.file}:${location?.line}: ${text}`)
}

/**
 * The Worker bundled as wrangler will bundle it: an import that one of the builds above lacks (the app uses a
 * name they did not find) is only a warning of wrangler's, and an undefined value at run time; here it fails
 * the build, and so `npm run deploy` and `npm run dev`.
 */
async function checkImports() {
  const undefinedNames = await undefinedImports('src/index.ts', (await topLevelConfig()).alias)
  if (undefinedNames.length)
    throw new Error(`the Worker imports what its builds of packages lack:\n  ${undefinedNames.join('\n  ')}`)
}

export async function buildAll() {
  await buildZod()
  await buildDrizzle()
  await buildStripe()
  await buildOpenApi()
  await checkImports()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll()
