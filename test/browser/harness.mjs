// The browser tests' world: the app as deployed (its production build, its static assets, migrated D1 with
// seed/seed.sql, the Stripe emulator) served by Miniflare on a free port, and Debian's Chromium driven by
// playwright-core (no browser download). Screenshots go to test-results/browser/ (git-ignored).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { buildWorkers, seed, startServer } from '../../bench/serve.mjs'

export const SCREENSHOTS = 'test-results/browser'
export const DEMO_PASSWORD = 'backline-demo-password'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// As root on a closed network: no sandbox (root), and no background networking, which this machine refuses.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const BUILD = 'node_modules/.cache/backline-browser'

/**
 * The Worker exactly as `npm run deploy` uploads it: wrangler's production build (its [alias] and minify
 * included), not a bundle of our own.
 */
function productionBuild() {
  // Through this process's own Node (22 when run by npm or node_modules/.bin/node), whatever PATH says.
  const wrangler = ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--env', 'production']
  const result = spawnSync(process.execPath, [...wrangler, '--outdir', BUILD], { encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(
      `wrangler deploy --dry-run failed: ${result.error ?? ''}\n${result.stdout}${result.stderr}`,
    )
  }
  return join(BUILD, 'index.js')
}

/** The app with the demo data, once per test file. */
export async function startApp() {
  await buildWorkers({ api: false })
  const server = await startServer({ assets: 'public', apiScript: productionBuild() })
  const statements = readFileSync('seed/seed.sql', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('INSERT'))
  await seed(server.db, statements)
  return server
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
    )
  }
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS })
}

/**
 * A new page that records what the browser complains about (a CSP violation is a console error, and so is a
 * failed load) and every answer of 400 or more, for the test to assert there was nothing.
 */
export async function newPage(browser) {
  const page = await browser.newPage()
  const problems = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(String(error)))
  page.on('requestfailed', (request) => problems.push(`${request.url()} ${request.failure()?.errorText}`))
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
  })
  return { page, problems }
}

export const screenshot = (page, name) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
