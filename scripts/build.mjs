// What the Worker's bundle and its static assets need before wrangler builds it: the zod, drizzle-orm, Stripe
// SDK and zod-to-openapi modules that wrangler.toml's [alias] names, and public/openapi.json. `npm run deploy` (and
// every `--env production` build: bundle:size, check startup, the browser tests) runs it as its [build]
// command; `npm run dev` runs it at start and again when src/ changes (scripts/dev.mjs).
import { fileURLToPath } from 'node:url'
import { buildDrizzle } from './build-drizzle.mjs'
import { buildOpenApi } from './build-openapi.mjs'
import { buildStripe } from './build-stripe.mjs'
import { buildZod } from './build-zod.mjs'

export async function buildAll() {
  await buildZod()
  await buildDrizzle()
  await buildStripe()
  await buildOpenApi()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll()
