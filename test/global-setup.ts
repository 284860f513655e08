import type { TestProject } from 'vitest/node'
import { generateDocument } from '../scripts/build-openapi.mjs'
import { bundleWorker } from '../scripts/bundle-worker.mjs'

// Builds the Stripe emulator worker that vitest.config.ts runs as an auxiliary worker, and gives the tests the
// document that scripts/build-openapi.mjs would serve (test/cross-cutting/openapi-asset.test.ts).
export default async function setup(project: TestProject) {
  const [document] = await Promise.all([
    generateDocument(),
    bundleWorker('./stripe-emulator/src/index.ts', './stripe-emulator/dist/index.js'),
  ])
  project.provide('openApiDocumentFromBuild', JSON.stringify(document))
}
