// wrangler.toml's [build] command, run by wrangler before each of its builds (dev, deploy, check startup) and by
// `wrangler dev` again when src/ changes: what the Worker's bundle and its static assets need first.
import { buildOpenApi } from './build-openapi.mjs'
import { buildStripe } from './build-stripe.mjs'

await buildStripe()
await buildOpenApi()
