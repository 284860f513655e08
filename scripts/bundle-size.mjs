// The Worker as `wrangler deploy --env production` would upload it (minified: wrangler.toml), gzipped, against
// a budget. CI runs it (.ci/run). BUNDLE_BUDGET_KIB overrides the budget. Also prints the start-up cost: the
// CPU time of evaluating the bundle's global scope, from `wrangler check startup`'s profile (local workerd).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KIB = Number(process.env.BUNDLE_BUDGET_KIB ?? 250)

/** Milliseconds of non-idle samples in the start-up CPU profile; undefined if it could not be taken. */
function startupMs(outfile) {
  const checked = spawnSync('wrangler', ['check', 'startup', '--env', 'production', '--outfile', outfile], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (checked.status !== 0) return undefined
  const profile = JSON.parse(readFileSync(outfile, 'utf8'))
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
  )
  const busyMicroseconds = profile.samples.reduce(
    (sum, sample, i) => sum + (idle.has(sample) ? 0 : (profile.timeDeltas[i + 1] ?? 0)),
    0,
  )
  return busyMicroseconds / 1000
}
const outdir = mkdtempSync(join(tmpdir(), 'backline-bundle-'))
try {
  const built = spawnSync('wrangler', ['deploy', '--dry-run', '--env', 'production', '--outdir', outdir], {
    encoding: 'utf8',
  })
  if (built.status !== 0) {
    process.stderr.write(built.stdout + built.stderr)
    process.exit(built.status ?? 1)
  }
  const modules = readdirSync(outdir).filter((name) => name.endsWith('.js') || name.endsWith('.mjs'))
  let raw = 0
  let gzipped = 0
  for (const name of modules) {
    const bytes = readFileSync(join(outdir, name))
    raw += bytes.length
    gzipped += gzipSync(bytes).length
  }
  const kib = (bytes) => (bytes / 1024).toFixed(1)
  const within = gzipped / 1024 <= BUDGET_KIB
  console.log(
    `bundle: ${modules.join(', ')} ${kib(raw)} KiB minified, ${kib(gzipped)} KiB gzipped; budget ${BUDGET_KIB} KiB gzipped → ${within ? 'within' : 'OVER'}`,
  )
  const startup = startupMs(join(outdir, 'startup.cpuprofile'))
  console.log(
    startup === undefined
      ? 'startup: not measured (wrangler check startup failed)'
      : `startup: ${startup.toFixed(1)} ms of global-scope evaluation (wrangler check startup, local workerd)`,
  )
  if (!within) process.exit(1)
} finally {
  rmSync(outdir, { recursive: true, force: true })
}
