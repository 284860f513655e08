// `npm test`: the Worker's own builds of its packages (npm run test:build, Node), the workerd suite (vitest),
// then the browser tests (npm run test:browser) in Debian's Chromium, then the payment lifecycles against
// `npm run dev` (npm run test:e2e).
// `npm test -- <files or vitest options>` runs only vitest with them, for a quick loop on a few files.
import { spawnSync } from 'node:child_process'

const args = process.argv.slice(2)
const run = (command, commandArgs) => spawnSync(command, commandArgs, { stdio: 'inherit' }).status ?? 1

let status = args.length === 0 ? run('npm', ['run', '--silent', 'test:build']) : 0
if (status === 0) status = run('vitest', ['run', ...args])
if (status === 0 && args.length === 0) status = run('npm', ['run', '--silent', 'test:browser'])
if (status === 0 && args.length === 0) status = run('npm', ['run', '--silent', 'test:e2e'])
process.exit(status)
