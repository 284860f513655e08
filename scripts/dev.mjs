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
    console.log(`created ${target} from ${example} (local-only secrets; edit it to use real Stripe test keys)`)
  }
}

run(['d1', 'migrations', 'apply', 'DB', '--local'])
run(['d1', 'execute', 'DB', '--local', '--file', 'seed/seed.sql'])

// Both workers in one wrangler process: the first config is the API on :8787, the second the emulator,
// reached by the API through its STRIPE_EMULATOR service binding.
const dev = spawn('wrangler', ['dev', '-c', 'wrangler.toml', '-c', 'stripe-emulator/wrangler.toml', ...process.argv.slice(2)], {
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
