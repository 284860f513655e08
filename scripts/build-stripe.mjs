// The Stripe SDK as wrangler's builds bundle it (scripts/build.mjs runs this before them, and wrangler.toml's
// [alias] points `stripe` at the output). The SDK's constructor builds every resource of the Stripe API,
// about 200 classes (169 KiB minified, 13.5 KiB gzipped, and their classes defined at the first Stripe call);
// the app calls 9 (src/adapters/stripe/resources.ts, which `StripeClient` enforces at type-check). This
// bundle is the same SDK with the other resources' construction and imports cut out of stripe.core.js, and
// without the v2 event-notification handler, which the app does not use. Every cut is anchored on the
// SDK's exact text and fails the build when the text changes, and the result is loaded and checked before
// wrangler sees it. The tests run the whole SDK (they call resources the app does not, at the emulator).
import { build } from 'esbuild'
import { readFile } from 'node:fs/promises'
import { readFileSync, rmSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { writeIfChanged } from './write-if-changed.mjs'

export const OUTFILE = '.build/stripe.mjs'

/** Replaces the one occurrence of `anchor` in stripe.core.js, or fails. */
function replaceOnce(code, anchor, replacement) {
  const at = code.indexOf(anchor)
  if (at < 0 || code.indexOf(anchor, at + 1) >= 0) {
    throw new Error(`stripe.core.js no longer has exactly one "${anchor}": update scripts/build-stripe.mjs`)
  }
  return code.slice(0, at) + replacement + code.slice(at + anchor.length)
}

/** stripe.core.js constructing only the resources in `keep`. */
export function slimStripeCore(code, keep) {
  const constructed = new Set()
  let slim = code.replace(/^ {8}this\.(\w+) = new \w+\(this\);\n/gm, (line, name) => {
    constructed.add(name)
    return keep.has(name) ? line : ''
  })
  const missing = [...keep].filter((name) => !constructed.has(name))
  if (missing.length) throw new Error(`stripe.core.js no longer constructs ${missing.join(', ')}`)
  // Stripe.resources (every resource class, for code that extends the SDK) is empty in this build.
  slim = replaceOnce(slim, "import * as resources from './resources.js';", 'const resources = {};')
  slim = replaceOnce(slim, "import { OAuthResource } from './resources.js';", '')
  slim = replaceOnce(
    slim,
    "import { StripeEventNotificationHandler, } from './StripeEventNotificationHandler.js';",
    `class StripeEventNotificationHandler {
  constructor() { throw new Error('Stripe event notifications are not in this build of the SDK (scripts/build-stripe.mjs)') }
  static withoutVerification() { return new StripeEventNotificationHandler() }
}`,
  )
  // Their imports go too, rather than being left to the bundler's tree-shaking.
  return slim.replace(/^import \{ (\w+),? \} from '\.\/resources\/[\w/]+\.js';\n/gm, (line, name) =>
    slim.split(new RegExp(`\\b${name}\\b`)).length > 2 ? line : '',
  )
}

/**
 * STRIPE_RESOURCES of src/adapters/stripe/resources.ts, read as text (an array of string literals), so that any
 * Node runs this and the TypeScript stays the one place the list lives.
 */
function keptResources() {
  const source = readFileSync('src/adapters/stripe/resources.ts', 'utf8')
  const list = /export const STRIPE_RESOURCES = \[([^\]]*)\] as const/.exec(source)?.[1]
  const names = list?.match(/'\w+'/g)?.map((quoted) => quoted.slice(1, -1))
  if (!names?.length)
    throw new Error('src/adapters/stripe/resources.ts has no STRIPE_RESOURCES array of names')
  return new Set(names)
}

const keep = keptResources()
const slimCore = {
  name: 'slim-stripe-core',
  setup(build) {
    build.onLoad({ filter: /[/\\]node_modules[/\\]stripe[/\\]esm[/\\]stripe\.core\.js$/ }, async (args) => ({
      contents: slimStripeCore(await readFile(args.path, 'utf8'), keep),
      loader: 'js',
    }))
  },
}

/** Writes OUTFILE and checks it; prints one line. */
export async function buildStripe() {
  const result = await build({
    stdin: { contents: "export * from 'stripe'; export { default } from 'stripe'", resolveDir: '.' },
    outfile: OUTFILE,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // The SDK's Workers build (fetch client, SubtleCrypto), as wrangler would resolve it.
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['node:*'],
    plugins: [slimCore],
    write: false,
    logLevel: 'warning',
  })
  const [output] = result.outputFiles

  // The bundle as the app will use it, before wrangler may see it: every kept resource, webhooks and the
  // statics client.ts reads.
  const checked = `${OUTFILE}.check-${process.pid}.mjs`
  writeIfChanged(checked, output.contents)
  const { default: Stripe } = await import(pathToFileURL(checked).href).finally(() => rmSync(checked))
  const client = new Stripe('sk_test_build_check', { httpClient: Stripe.createFetchHttpClient() })
  const broken = [
    ...[...keep].filter(
      (name) => typeof client[name]?.retrieve !== 'function' && typeof client[name]?.create !== 'function',
    ),
    typeof client.webhooks?.constructEventAsync !== 'function' && 'webhooks',
    typeof Stripe.errors?.StripeCardError !== 'function' && 'errors',
  ].filter(Boolean)
  if (broken.length) throw new Error(`the slim Stripe SDK lacks ${broken.join(', ')}`)
  writeIfChanged(OUTFILE, output.contents)
  console.log(
    `stripe: ${OUTFILE}, the SDK with ${keep.size} resources (${(output.contents.length / 1024).toFixed(0)} KiB unminified)`,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildStripe()
