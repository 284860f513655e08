import { expect, inject, it } from 'vitest'
import { openApiDocument } from '../helpers/api'

/*
 * /openapi.json is a static asset: wrangler's builds run src/routes/openapi-document.ts in Node and write the
 * result to public/openapi.json (scripts/build-openapi.mjs), and the Worker has no code to build it. The
 * suites read the document built here, in workerd; this proves the one clients get is the same, byte for byte.
 */
it('the document wrangler builds into public/openapi.json is the one the app builds in workerd', async () => {
  const fromBuild = inject('openApiDocumentFromBuild')
  expect(JSON.parse(fromBuild).paths).toEqual((await openApiDocument()).paths)
  expect(fromBuild).toBe(JSON.stringify(await openApiDocument()))
})
