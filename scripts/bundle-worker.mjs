import { build } from 'esbuild'
import { resolve } from 'node:path'

/**
 * Bundles a Worker entry for workerd (the `workerd` export conditions of stripe and friends), leaving the
 * runtime's own modules external. Used by the tests (the emulator as an auxiliary worker) and the bench.
 * `aliases` replace module specifiers exactly as wrangler.toml's [alias] does in wrangler's builds (the bench
 * passes those, so that it measures the modules production bundles).
 */
export function bundleWorker(entry, outfile, { minify = false, aliases = {} } = {}) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    plugins: [exactAliases(aliases)],
    logLevel: 'warning',
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
