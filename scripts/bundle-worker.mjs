import { build } from 'esbuild'
import { resolve } from 'node:path'

/** esbuild's options to resolve and emit modules as wrangler does for workerd (the packages' workerd builds). */
export const FOR_WORKERD = {
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
}

/** wrangler.toml's top level: CLOUDFLARE_ENV (which would select an [env.*]) is set aside for the read. */
export async function topLevelConfig() {
  const { unstable_readConfig } = await import('wrangler')
  const chosen = process.env.CLOUDFLARE_ENV
  delete process.env.CLOUDFLARE_ENV
  try {
    return unstable_readConfig({ config: 'wrangler.toml' })
  } finally {
    if (chosen !== undefined) process.env.CLOUDFLARE_ENV = chosen
  }
}

/**
 * Bundles a Worker entry for workerd (the `workerd` export conditions of stripe and friends), leaving the
 * runtime's own modules external. Used by the tests (the emulator as an auxiliary worker), the bench, and
 * scripts/build.mjs's check of the Worker's imports (`write: false`: the result has the warnings).
 * `aliases` replace module specifiers exactly as wrangler.toml's [alias] does in wrangler's builds (the bench
 * passes those, so that it measures the modules production bundles).
 */
export function bundleWorker(entry, outfile, { minify = false, aliases = {}, write = true } = {}) {
  return build({
    entryPoints: [entry],
    outfile,
    write,
    bundle: true,
    minify,
    ...FOR_WORKERD,
    external: ['cloudflare:*', 'node:*'],
    plugins: [exactAliases(aliases)],
    // Unwritten bundles are checks: their callers read the warnings.
    logLevel: write ? 'warning' : 'silent',
  })
}

/** wrangler's [alias]: a specifier equal to a key (not one under it, as esbuild's own alias would) is replaced. */
const exactAliases = (aliases) => ({
  name: 'exact-aliases',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      Object.hasOwn(aliases, args.path) ? { path: resolve(aliases[args.path]) } : undefined,
    )
  },
})
