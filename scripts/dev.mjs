// `npm run dev`: one command from a fresh clone to a running API on a migrated, seeded local D1, with the
// Stripe emulator beside it. Runs under the Node 22 that npm scripts put first on PATH.
import { copyFileSync, existsSync } from 'node:fs'
import { spawn, spawnSync } from 'node:child_process'

const run = (args) => {
  const result = spawnSync('wrangler', args, { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
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

run(['d1', 'migrations', 'apply', 'DB', '--local'])
run(['d1', 'execute', 'DB', '--local', '--file', 'seed/seed.sql'])

// Two wrangler processes: the emulator on its own port (so that a script or curl can confirm a
// PaymentIntent with a test card, as Stripe.js would), and the API, which reaches it through its
// STRIPE_EMULATOR service binding via wrangler's local dev registry.
const emulatorPort = process.env.EMULATOR_PORT ?? '12111'
const children = [
  spawn(
    'wrangler',
    ['dev', '-c', 'stripe-emulator/wrangler.toml', '--port', emulatorPort, '--inspector-port', '0'],
    {
      stdio: 'inherit',
    },
  ),
  spawn('wrangler', ['dev', '-c', 'wrangler.toml', ...process.argv.slice(2)], { stdio: 'inherit' }),
]
const stop = (signal) => children.forEach((child) => child.kill(signal))
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal))
for (const child of children) {
  child.on('exit', (code) => {
    stop('SIGTERM')
    process.exit(code ?? 0)
  })
}
