// The API's OpenAPI document as a static asset, and the Worker without the code that generates it. Wrangler's
// builds run this first (scripts/build.mjs):
//  - public/openapi.json: src/routes/openapi-document.ts run in Node, so that Workers Static Assets serve
//    /openapi.json (and /docs renders it) without running the Worker. Built on the Worker, the 250 KiB document
//    cost 60 ms of CPU at an isolate's first request for it and 10 ms at each one after.
//  - .build/zod-to-openapi.mjs: @asteasolutions/zod-to-openapi without its document generators, which
//    wrangler.toml's [alias] gives the Worker (@hono/zod-openapi references them from methods the Worker no
//    longer calls, so a bundler keeps them: 5.8 KiB gzipped). A call would throw and say why.
// The tests build the document in workerd with the whole package; test/cross-cutting/openapi-asset.test.ts
// proves that document equal to the one written here.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { importBuilt } from './built-module.mjs'
import { writeIfChanged } from './write-if-changed.mjs'

const DOCUMENT = 'public/openapi.json'
const ZOD_TO_OPENAPI = '.build/zod-to-openapi.mjs'

const GENERATORS_EXPORT =
  'export { OpenAPIRegistry, OpenApiGeneratorV3, OpenApiGeneratorV31, OpenApiGeneratorV32, extendZodWithOpenApi, getOpenApiMetadata, getRefId, zodToOpenAPIRegistry };'

/** The package with its generators replaced by a class that refuses to be made. */
function withoutGenerators(code) {
  const at = code.indexOf(GENERATORS_EXPORT)
  if (at < 0) {
    throw new Error(
      "@asteasolutions/zod-to-openapi's dist/index.mjs no longer ends with its known exports: update scripts/build-openapi.mjs",
    )
  }
  const stub = `class NoDocumentGenerator {
  constructor() {
    throw new Error('The Worker does not generate the OpenAPI document: wrangler builds it into public/openapi.json (scripts/build-openapi.mjs)')
  }
}
export { OpenAPIRegistry, NoDocumentGenerator as OpenApiGeneratorV3, NoDocumentGenerator as OpenApiGeneratorV31, NoDocumentGenerator as OpenApiGeneratorV32, extendZodWithOpenApi, getOpenApiMetadata, getRefId, zodToOpenAPIRegistry };`
  return code.slice(0, at) + stub + code.slice(at + GENERATORS_EXPORT.length)
}

/** src/routes/openapi-document.ts's document, built in Node (the app's modules bundled, packages imported). */
export async function generateDocument() {
  const outfile = '.build/openapi-document.mjs'
  const { outputFiles } = await build({
    entryPoints: ['src/routes/openapi-document.ts'],
    outfile,
    write: false,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'warning',
  })
  const { openApiDocument } = await importBuilt(outfile, outputFiles[0].contents)
  return openApiDocument()
}

export async function buildOpenApi() {
  const packaged = fileURLToPath(import.meta.resolve('@asteasolutions/zod-to-openapi'))
  writeIfChanged(
    ZOD_TO_OPENAPI,
    withoutGenerators(readFileSync(packaged.replace(/index\.cjs$/, 'index.mjs'), 'utf8')),
  )
  const document = await generateDocument()
  writeIfChanged(DOCUMENT, JSON.stringify(document))
  const operations = Object.values(document.paths).reduce(
    (sum, methods) => sum + Object.keys(methods).length,
    0,
  )
  console.log(`openapi: ${DOCUMENT}, ${operations} operations; ${ZOD_TO_OPENAPI}, without its generators`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildOpenApi()
