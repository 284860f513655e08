// Copies the API reference's renderer (swagger-ui-dist, an npm devDependency) into public/docs/vendor/, the
// Workers Static Assets folder ([assets] in wrangler.toml), so /docs needs no CDN. Runs after every npm
// install (the postinstall script); the copies are git-ignored.
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

const FROM = 'node_modules/swagger-ui-dist'
const TO = 'public/docs/vendor'
const FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png', 'LICENSE', 'NOTICE']

mkdirSync(TO, { recursive: true })
for (const file of FILES) copyFileSync(join(FROM, file), join(TO, file))
