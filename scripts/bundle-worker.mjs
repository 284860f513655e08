import { build } from 'esbuild'

/**
 * Bundles a Worker entry for workerd (the `workerd` export conditions of stripe and friends), leaving the
 * runtime's own modules external. Used by the tests (the emulator as an auxiliary worker) and the bench.
 */
export function bundleWorker(entry, outfile, { minify = false } = {}) {
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
    logLevel: 'warning',
  })
}
