// `npm run deploy:check` (CI runs it): `npm run deploy` as a dry run, which must build the production Worker with
// its [env.production] settings and no development binding. (`npm run deploy` once deployed the development
// settings — localhost CORS, the emulator's key names — over the production worker.)
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const outdir = mkdtempSync(join(tmpdir(), 'backline-deploy-'))
const run = spawnSync('npm', ['run', '--silent', 'deploy', '--', '--dry-run', '--outdir', outdir], {
  encoding: 'utf8',
})
const output = `${run.stdout}${run.stderr}`
const problems = [
  run.status !== 0 && `the dry run failed (exit ${run.status})`,
  !output.includes('env.APP_ENV ("production")') && 'APP_ENV is not "production"',
  output.includes('localhost') && 'a localhost setting (CORS_ORIGINS) would be deployed',
  output.includes('env.STRIPE_EMULATOR') && 'the Stripe emulator binding would be deployed',
  output.includes('pk_test_emulator') && "the emulator's publishable key would be deployed",
].filter(Boolean)
if (problems.length) {
  console.error(output)
  console.error(`deploy check: ${problems.join('; ')}`)
  process.exit(1)
}
console.log('deploy check: npm run deploy builds the production Worker with its production settings')
