// The zod API every schema of the app is written with: `import * as z from '…/lib/zod'`.
//
// Importing @hono/zod-openapi first adds `.openapi()` to zod's schemas (its module extends ZodType when it
// is evaluated), so no schema can be built before that. A namespace import of this module lets the bundler
// keep only the parts of zod the app names, which taking the `z` object of zod or @hono/zod-openapi would
// not (BENCHMARKS.md, Bundle size); `test/domain/zod-imports.test.ts` keeps it that way.
import '@hono/zod-openapi'

export * from 'zod'
