import { build } from 'esbuild'

// Builds the Stripe emulator worker that vitest.config.ts runs as an auxiliary worker.
export default async function buildStripeEmulator() {
  await build({
    entryPoints: ['./stripe-emulator/src/index.ts'],
    outfile: './stripe-emulator/dist/index.js',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'warning',
  })
}
