// `npm run dev`: one command from a fresh clone to a running API on a migrated, seeded local D1, with the
// Stripe emulator beside it. Runs under the Node 22 that npm scripts put first on PATH.
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, watch } from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'
import { connect } from 'node:net'
import { join, resolve } from 'node:path'

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

/** `KEY=value` lines of a .dev.vars file, each with the comment lines just above it. */
const entries = (text) => {
  const found = new Map()
  let comments = []
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line)
    if (match) {
      found.set(match[1], { value: match[2], text: [...comments, line].join('\n') })
      comments = []
    } else comments = line.startsWith('#') ? [...comments, line] : []
  }
  return found
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
    continue
  }
  // A secret added to the example since .dev.vars was made (STRIPE_CONNECT_WEBHOOK_SECRET, say) is added.
  const have = entries(readFileSync(target, 'utf8'))
  const missing = [...entries(readFileSync(example, 'utf8'))].filter(([key]) => !have.has(key))
  if (missing.length) {
    appendFileSync(target, `\n${missing.map(([, entry]) => entry.text).join('\n\n')}\n`)
    console.log(`added ${missing.map(([key]) => key).join(', ')} to ${target} from ${example}`)
  }
}

// DEV_PERSIST_TO: where local D1 and the emulator's state live (wrangler's --persist-to), for a world of its own
// (test/e2e/ uses a new one each run); by default .wrangler/state, kept between runs.
const persist = process.env.DEV_PERSIST_TO ? ['--persist-to', process.env.DEV_PERSIST_TO] : []

// wrangler prints a table per migration and a JSON result per seed statement; one line each says the same.
const migrated = quietly(['d1', 'migrations', 'apply', 'DB', '--local', ...persist])
const applied = migrated.split('?')[0]?.match(/\d{4}_\w+\.sql/g) ?? []
console.log(
  applied.length
    ? `local D1: applied ${applied.length} migration(s), ${applied[0]} … ${applied.at(-1)}`
    : 'local D1: migrations up to date',
)
quietly(['d1', 'execute', 'DB', '--local', '--file', 'seed/seed.sql', ...persist])
console.log('local D1: demo data seeded (seed/seed.sql)')

// What wrangler.toml's [alias] names and public/openapi.json (scripts/build.mjs), before the API is bundled, and
// again whenever src/ changes: wrangler reloads what changed (the code it watches itself). In a process of its
// own each time, so that this one does not keep every version of the app it loaded.
const build = () => spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status === 0
if (!build()) process.exit(1)

// Two wrangler processes: the emulator on its own port (so that a script or curl can confirm a
// PaymentIntent with a test card, as Stripe.js would), and the API, which reaches it through its
// STRIPE_EMULATOR service binding via wrangler's local dev registry. The API starts once the emulator
// accepts connections, so its binding is connected from the start. Neither takes keyboard shortcuts: two processes
// would read the same terminal.
const emulatorPort = process.env.EMULATOR_PORT ?? '12111'
const apiPort = process.env.API_PORT ?? '8787'
const devArgs = ['--show-interactive-dev-session=false', ...persist]
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

// Where the emulator pushes webhooks and where a browser reaches its onboarding pages follow the two ports
// (EMULATOR_PORT, API_PORT), so two clones can run side by side.
const api = `http://localhost:${apiPort}`
start([
  ...['-c', 'stripe-emulator/wrangler.toml', '--port', emulatorPort, '--inspector-port', '0'],
  ...['--var', `WEBHOOK_URL:${api}/api/webhooks/stripe`],
  ...['--var', `CONNECT_WEBHOOK_URL:${api}/api/webhooks/stripe-connect`],
  ...['--var', `EMULATOR_PUBLIC_URL:http://localhost:${emulatorPort}`],
])
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
await onboardDemoOwner().catch((error) => console.error(`demo owner's payout account: ${error.message}`))

let rebuild
const rebuildSoon = () => {
  clearTimeout(rebuild)
  rebuild = setTimeout(build, 300)
}
// Each directory on its own: a recursive watch loses a file that an editor replaces (a new inode).
for (const dir of readdirSync('src', { recursive: true, withFileTypes: true }))
  if (dir.isDirectory()) watch(join(dir.parentPath, dir.name), rebuildSoon)
watch('src', rebuildSoon)

start([
  ...['-c', 'wrangler.toml', '--port', apiPort],
  // On another port, onboarding may send owners back to this API's origin too (wrangler.toml allows :8787).
  ...(process.env.API_PORT ? ['--var', `PAYOUT_ONBOARDING_ORIGINS:http://localhost:5173,${api}`] : []),
  ...process.argv.slice(2),
])

/**
 * The demo owner (seed/seed.sql) can be paid from the start: their Express account exists at the emulator,
 * onboarded, and local D1's payout_accounts names it. The account is found by its metadata (the emulator keeps
 * its state between runs) or made as the API would make it (the same idempotency key), then enabled; the D1
 * row follows it, so a reset emulator gets a new account and the row its id. With a real Stripe key nothing
 * is made: the owner onboards through the API (docs/PAYOUTS.md).
 */
async function onboardDemoOwner() {
  const key = entries(readFileSync('.dev.vars', 'utf8')).get('STRIPE_SECRET_KEY')?.value ?? ''
  if (!key.startsWith('sk_test_emulator')) {
    console.log('demo owner: not onboarded (a real Stripe key): use POST /api/me/payout-account')
    return
  }
  const owner = { id: 'usr_demoOwner000000000001', email: 'owner@backline.dev' }
  const emulator = `http://localhost:${emulatorPort}`
  const stripe = async (method, path, form, headers = {}) => {
    const response = await fetch(`${emulator}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...headers },
      body: form && new URLSearchParams(form),
    })
    const body = await response.json()
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`)
    return body
  }
  let account
  for (let after = ''; !account;) {
    const page = await stripe('GET', `/v1/accounts?limit=100${after && `&starting_after=${after}`}`)
    account = page.data.find((candidate) => candidate.metadata?.user_id === owner.id)
    if (!page.has_more) break
    after = page.data.at(-1).id
  }
  account ??= await stripe(
    'POST',
    '/v1/accounts',
    {
      type: 'express',
      email: owner.email,
      'capabilities[transfers][requested]': 'true',
      'capabilities[card_payments][requested]': 'true',
      'metadata[user_id]': owner.id,
    },
    { 'idempotency-key': `backline:payout-account:${owner.id}` },
  )
  if (!account.payouts_enabled || account.capabilities?.transfers !== 'active') {
    const response = await fetch(`${emulator}/_emulator/accounts/${account.id}/enable`, { method: 'POST' })
    if (!response.ok) throw new Error(`enable ${account.id}: ${response.status}`)
  }
  const now = new Date().toISOString()
  quietly([
    ...['d1', 'execute', 'DB', '--local', ...persist, '--command'],
    `INSERT INTO payout_accounts (user_id, stripe_account_id, charges_enabled, payouts_enabled, details_submitted,
      transfers_capability, disabled_reason, requirements_due, refreshed_at, created_at, updated_at)
    VALUES ('${owner.id}', '${account.id}', 1, 1, 1, 'active', NULL, '[]', '${now}', '${now}', '${now}')
    ON CONFLICT (user_id) DO UPDATE SET stripe_account_id = excluded.stripe_account_id, charges_enabled = 1,
      payouts_enabled = 1, details_submitted = 1, transfers_capability = 'active', disabled_reason = NULL,
      requirements_due = '[]', refreshed_at = excluded.refreshed_at, updated_at = excluded.updated_at`,
  ])
  console.log(
    `demo owner: payout account ${account.id}, onboarded at the emulator (local D1 payout_accounts)`,
  )
}
