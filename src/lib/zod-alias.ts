// What `zod` resolves to in the Worker that wrangler bundles (wrangler.toml [alias]; not in the tests, which
// import zod itself). Everything zod exports, except `z`: @hono/zod-openapi passes its `import { z } from
// 'zod'` to extendZodWithOpenApi as a value, and a namespace used as a value makes the bundler keep all of
// zod, its 40-odd locales included (~250 KiB minified, and their evaluation at start-up). That call reads
// only `z.ZodType`, so that is all this `z` holds. The app never uses @hono/zod-openapi's `z`: it imports
// `* as z from 'src/lib/zod'` (test/domain/zod-imports.test.ts).
import { ZodType } from 'zod/v4'

export * from 'zod/v4'
export const z = { ZodType }
