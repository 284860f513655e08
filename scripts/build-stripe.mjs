// The Stripe SDK as wrangler's builds bundle it (scripts/build.mjs runs this before them, and wrangler.toml's
// [alias] points `stripe` at the output). The SDK's constructor builds every resource of the Stripe API,
// about 200 classes (169 KiB minified, 13.5 KiB gzipped, and their classes defined at the first Stripe call),
// each with every method of its resource; the app calls a few methods of 9 resources (STRIPE_API in
// src/adapters/stripe/resources.ts, which `StripeClient` enforces at type-check). This bundle is the same SDK
// with:
//  - only those resources constructed and imported (stripe.core.js), and only those methods in their classes
//    (the others' code, and the schemas by which some convert decimal fields, are most of each class);
//  - no v2 event-notification handler, which the app does not use.
// Every cut is anchored on the SDK's exact text and fails the build when the text changes, and the result is
// loaded and checked before wrangler sees it. The tests run the whole SDK (they call methods the app does not,
// at the emulator).
import { readFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundlePackage, importBuilt } from './built-module.mjs'
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

/** Each resource stripe.core.js constructs, and its class (`this.customers = new CustomerResource(this);`). */
const CONSTRUCTED = /^ {8}this\.(\w+) = new (\w+)\(this\);\n/gm

/** stripe.core.js constructing only the resources in `keep`. */
function slimStripeCore(code, keep) {
  const constructed = new Set()
  let slim = code.replace(CONSTRUCTED, (line, name) => {
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

const METHOD = /^ {4}(\w+)\([\w, ]*\) \{$/

/**
 * A resource class (resources/*.js, generated: each method is an optional JSDoc, `    name(…) {`, its body and
 * `    }`) with only the methods in `keep`.
 */
export function slimResource(code, keep, file) {
  const fail = (why) => {
    throw new Error(`stripe/esm/resources/${file}: ${why}: update scripts/build-stripe.mjs`)
  }
  const lines = code.split('\n')
  const start = lines.findIndex((line) => /^export class \w+ extends StripeResource \{$/.test(line))
  const end = lines.lastIndexOf('}')
  if (start < 0 || end < start) fail('no longer one class extending StripeResource')
  const methods = []
  for (let i = start + 1; i < end;) {
    const from = i
    if (lines[i] === '    /**') {
      while (i < end && lines[i] !== '     */') i++
      i++
    }
    const name = METHOD.exec(lines[i] ?? '')?.[1]
    if (!name) fail(`line ${i + 1} is not a method`)
    while (i < end && lines[i] !== '    }') i++
    if (i === end) fail(`the method ${name} does not end`)
    methods.push({ name, lines: lines.slice(from, ++i) })
  }
  const kept = methods.filter((method) => keep.has(method.name))
  const missing = [...keep].filter((name) => !kept.some((method) => method.name === name))
  if (missing.length) fail(`no method ${missing.join(', ')}`)
  return [...lines.slice(0, start + 1), ...kept.flatMap((method) => method.lines), ...lines.slice(end)].join(
    '\n',
  )
}

/**
 * STRIPE_API of src/adapters/stripe/resources.ts (resource → methods), read as text (one `name: ['method', …],`
 * per line), so that any Node runs this and the TypeScript stays the one place the list lives.
 */
export function keptApi(source = readFileSync('src/adapters/stripe/resources.ts', 'utf8')) {
  const body = /export const STRIPE_API = \{\n([^}]*)\} as const/.exec(source)?.[1] ?? ''
  const entries = [...body.matchAll(/^ {2}(\w+): \[([^\]]*)\],$/gm)]
  if (!entries.length || body.trim().split('\n').length !== entries.length)
    throw new Error(
      "src/adapters/stripe/resources.ts's STRIPE_API is not one `name: ['method', …],` per line",
    )
  return new Map(
    entries.map(([, name, methods]) => [
      name,
      new Set(methods.match(/'\w+'/g)?.map((quoted) => quoted.slice(1, -1))),
    ]),
  )
}

const STRIPE_ESM = /[/\\]node_modules[/\\]stripe[/\\]esm[/\\]/

const slimSdk = (api) => ({
  name: 'slim-stripe',
  setup(build) {
    // Each resource class's name, from stripe.core.js (loaded before the resources it imports).
    const resourceOf = new Map()
    build.onLoad({ filter: /[/\\]stripe\.core\.js$/ }, async (args) => {
      if (!STRIPE_ESM.test(args.path)) return undefined
      const code = await readFile(args.path, 'utf8')
      for (const [, name, cls] of code.matchAll(CONSTRUCTED)) resourceOf.set(cls, name)
      return { contents: slimStripeCore(code, new Set(api.keys())), loader: 'js' }
    })
    build.onLoad({ filter: /[/\\]resources[/\\]\w+\.js$/ }, async (args) => {
      if (!STRIPE_ESM.test(args.path)) return undefined
      const code = await readFile(args.path, 'utf8')
      const name = resourceOf.get(/^export class (\w+) extends StripeResource \{$/m.exec(code)?.[1])
      if (!api.has(name)) return undefined
      return { contents: slimResource(code, api.get(name), basename(args.path)), loader: 'js' }
    })
  },
})

/** Writes OUTFILE and checks it; prints one line. */
export async function buildStripe() {
  const api = keptApi()
  const { contents } = await bundlePackage(
    "export * from 'stripe'; export { default } from 'stripe'",
    OUTFILE,
    [slimSdk(api)],
  )

  // The bundle as the app will use it, before wrangler may see it: every kept method and no other, webhooks
  // and the statics client.ts reads.
  const { default: Stripe } = await importBuilt(OUTFILE, contents)
  const client = new Stripe('sk_test_build_check', { httpClient: Stripe.createFetchHttpClient() })
  const offered = (name, method) => typeof client[name]?.[method] === 'function'
  const methodsOf = (name) =>
    Object.getOwnPropertyNames(Object.getPrototypeOf(client[name] ?? {})).filter(
      (key) => key !== 'constructor',
    )
  const broken = [
    ...[...api].flatMap(([name, methods]) =>
      [...methods].filter((method) => !offered(name, method)).map((method) => `${name}.${method}`),
    ),
    ...[...api].flatMap(([name, methods]) =>
      methodsOf(name)
        .filter((method) => !methods.has(method))
        .map((method) => `no ${name}.${method} (not in STRIPE_API)`),
    ),
    client.products !== undefined && 'no products (not in STRIPE_API)',
    typeof client.webhooks?.constructEventAsync !== 'function' && 'webhooks',
    typeof Stripe.errors?.StripeCardError !== 'function' && 'errors',
  ].filter(Boolean)
  if (broken.length) throw new Error(`the slim Stripe SDK is wrong: ${broken.join(', ')}`)
  writeIfChanged(OUTFILE, contents)
  const methods = [...api.values()].reduce((sum, kept) => sum + kept.size, 0)
  console.log(
    `stripe: ${OUTFILE}, the SDK with ${methods} methods of ${api.size} resources (${(contents.length / 1024).toFixed(0)} KiB unminified)`,
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildStripe()
