import { expect, inject, it } from 'vitest'
import { openApiDocument } from '../helpers/api'
import { sourceFiles } from '../helpers/source-files'

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

it('no module of the Worker generates a document: in its builds zod-to-openapi has no generator', () => {
  const generating = Object.entries(sourceFiles)
    .filter(([, text]) => /\bgetOpenAPI(31)?Document\b|\bOpenApiGeneratorV3(1|2)?\b/.test(text))
    .map(([path]) => path)
  expect(generating).toEqual(['../../src/routes/openapi-document.ts'])
})
