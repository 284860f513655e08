// `npm run dev`: one command from a fresh clone to a running API on a migrated, seeded local D1, with the
// Stripe emulator beside it. Runs under the Node 22 that npm scripts put first on PATH.
import { copyFileSync, existsSync } from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'
import { connect } from 'node:net'
import { resolve } from 'node:path'

// What is normal for local development, offline included, stays quiet; a variable set by the caller wins.
const env = {
  // No usage metrics sent to Cloudflare from a developer's machine.
  WRANGLER_SEND_METRICS: 'false',
  // Miniflare otherwise fetches a real `request.cf` from workers.cloudflare.com at every start and prints a
  // stack trace when offline; the placeholder it falls back to is all the API needs locally.
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  // The banner (and its npm update check) would print once per wrangler process: four times.
  WRANGLER_HIDE_BANNER: 'true',
  // The dev registry through which the API finds the emulator: this clone's own, so that another clone's (or
  // another project's) `stripe-emulator` running on the same machine is never bound instead.
  WRANGLER_REGISTRY_PATH: resolve('.wrangler/dev-registry'),
  ...process.env,
}

/** Runs a wrangler command quietly: its output is shown only when it fails. */
const quietly = (args) => {
  const result = spawnSync('wrangler', args, { env, encoding: 'utf8' })
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr)
    process.exit(result.status ?? 1)
  }
  return result.stdout
}

for (const [example, target] of [
  ['.dev.vars.example', '.dev.vars'],
  ['stripe-emulator/.dev.vars.example', 'stripe-emulator/.dev.vars'],
]) {
  if (!existsSync(target)) {
    copyFileSync(example, target)
    console.log(
      `created ${target} from ${example} (local-only secrets; edit it to use real Stripe test keys)`,
    )
  }
}

// wrangler prints a table per migration and a JSON result per seed statement; one line each says the same.
const migrated = quietly(['d1', 'migrations', 'apply', 'DB', '--local'])
const applied = migrated.split('?')[0]?.match(/\d{4}_\w+\.sql/g) ?? []
console.log(
  applied.length
    ? `local D1: applied ${applied.length} migration(s), ${applied[0]} … ${applied.at(-1)}`
    : 'local D1: migrations up to date',
)
quietly(['d1', 'execute', 'DB', '--local', '--file', 'seed/seed.sql'])
console.log('local D1: demo data seeded (seed/seed.sql)')

// Two wrangler processes: the emulator on its own port (so that a script or curl can confirm a
// PaymentIntent with a test card, as Stripe.js would), and the API, which reaches it through its
// STRIPE_EMULATOR service binding via wrangler's local dev registry. The API starts once the emulator
// accepts connections, so its binding is connected from the start. Neither takes keyboard shortcuts: two processes
// would read the same terminal.
const emulatorPort = process.env.EMULATOR_PORT ?? '12111'
const devArgs = ['--show-interactive-dev-session=false']
const children = []
const stop = (signal) => children.forEach((child) => child.kill(signal))
const start = (args) => {
  const child = spawn('wrangler', ['dev', ...args, ...devArgs], { stdio: 'inherit', env })
  children.push(child)
  child.on('exit', (code) => {
    stop('SIGTERM')
    process.exit(code ?? 0)
  })
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal))

start(['-c', 'stripe-emulator/wrangler.toml', '--port', emulatorPort, '--inspector-port', '0'])
/** Whether something accepts connections on the port (a TCP connect: no request in the emulator's log). */
const listening = (port) =>
  new Promise((done) => {
    const socket = connect(Number(port), 'localhost')
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })
const deadline = Date.now() + 60_000
while (Date.now() < deadline && !(await listening(emulatorPort))) {
  await new Promise((wait) => setTimeout(wait, 250))
}
start(['-c', 'wrangler.toml', ...process.argv.slice(2)])
