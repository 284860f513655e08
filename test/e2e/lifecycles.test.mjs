// The two payment lifecycles (npm run lifecycle, npm run lifecycle:deposits) against `npm run dev` on free
// ports: the Worker as wrangler builds it, with its own builds of zod, drizzle-orm and the Stripe SDK
// (scripts/build.mjs, wrangler.toml's [alias]: only what the app uses), every Stripe method the app calls
// called through the emulator, webhooks delivered and the cron run. The workerd suite runs the packages
// themselves; this is where the Worker's builds of them are proven. Also the OpenAPI document as wrangler
// serves it (scripts/build-openapi.mjs, public/_headers).
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })

let dev
let env
let output = ''
// A local D1 and emulator of their own: the deposits lifecycle moves the emulator's clock forward for good.
const state = mkdtempSync(join(tmpdir(), 'backline-e2e-'))

before(async () => {
  const [apiPort, emulatorPort] = [await freePort(), await freePort()]
  env = {
    ...process.env,
    API_PORT: String(apiPort),
    EMULATOR_PORT: String(emulatorPort),
    DEV_PERSIST_TO: state,
    // Its own dev registry too, so that its API cannot bind the emulator of an `npm run dev` already running.
    WRANGLER_REGISTRY_PATH: join(state, 'registry'),
  }
  // Its own process group, so that wrangler's and workerd's processes stop with it.
  dev = spawn(process.execPath, ['scripts/dev.mjs'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  dev.stdout.on('data', (chunk) => (output += chunk))
  dev.stderr.on('data', (chunk) => (output += chunk))
  const deadline = Date.now() + 120_000
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited (${dev.exitCode}):\n${output}`)
    if (Date.now() > deadline) throw new Error(`npm run dev did not answer within 120 s:\n${output}`)
    const ready = await fetch(`http://localhost:${apiPort}/api/listings`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) break
    await new Promise((wait) => setTimeout(wait, 500))
  }
})

after(async () => {
  if (dev?.exitCode === null) {
    const exited = new Promise((done) => dev.once('exit', done))
    process.kill(-dev.pid, 'SIGTERM')
    await exited
  }
  rmSync(state, { recursive: true, force: true })
})

test('/openapi.json is the static asset the build wrote, with the headers of public/_headers', async () => {
  const response = await fetch(`http://localhost:${env.API_PORT}/openapi.json`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  assert.equal(response.headers.get('access-control-allow-origin'), '*')
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
  assert.equal(await response.text(), readFileSync('public/openapi.json', 'utf8'))
})

for (const script of ['lifecycle', 'lifecycle-deposits']) {
  test(`scripts/${script}.mjs passes every check against npm run dev`, () => {
    const run = spawnSync(process.execPath, [`scripts/${script}.mjs`], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    })
    const printed = `${run.stdout}${run.stderr}`
    assert.equal(run.status, 0, `${printed}\n--- npm run dev:\n${output.slice(-5000)}`)
    assert.match(run.stdout, /✓/)
    assert.doesNotMatch(run.stdout, /✗/, printed)
  })
}
