import { bundleWorker } from '../scripts/bundle-worker.mjs'

// Builds the Stripe emulator worker that vitest.config.ts runs as an auxiliary worker.
export default async function buildStripeEmulator() {
  await bundleWorker('./stripe-emulator/src/index.ts', './stripe-emulator/dist/index.js')
}
