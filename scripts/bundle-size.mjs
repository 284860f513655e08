// The Worker as `wrangler deploy --env production` would upload it (minified: wrangler.toml), gzipped, against
// a budget, and the CPU time of its start-up (evaluating its global scope) against another. CI runs it
// (.ci/run); BENCHMARKS.md, Bundle size, says what they hold and why. BUNDLE_BUDGET_KIB and STARTUP_BUDGET_MS
// override the budgets, STARTUP_RUNS the number of start-up profiles.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { bundledInputs } from './built-module.mjs'
import { topLevelConfig } from './bundle-worker.mjs'

const BUDGET_KIB = Number(process.env.BUNDLE_BUDGET_KIB ?? 150)
const STARTUP_BUDGET_MS = Number(process.env.STARTUP_BUDGET_MS ?? 15)
const STARTUP_RUNS = Number(process.env.STARTUP_RUNS ?? 5)

/**
 * Milliseconds of non-idle samples in one start-up CPU profile of the bundle `wrangler check startup --worker`
 * takes in local workerd: the "Active" time wrangler prints, garbage collection included. 0 when no sample
 * fell in the evaluation (it was shorter than the profiler's interval); undefined when no profile was taken.
 */
function startupMs(bundle, outfile) {
  const checked = spawnSync('wrangler', ['check', 'startup', '--worker', bundle, '--outfile', outfile], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (checked.status !== 0) return undefined
  const profile = JSON.parse(readFileSync(outfile, 'utf8'))
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
  )
  return (
    profile.samples.reduce(
      (sum, sample, i) => sum + (idle.has(sample) ? 0 : (profile.timeDeltas[i] ?? 0)),
      0,
    ) / 1000
  )
}

const outdir = mkdtempSync(join(tmpdir(), 'backline-bundle-'))
try {
  // One production build (its [build] first: scripts/build.mjs, which fails on an import the Worker's builds
  // of packages lack): the modules, sized here, and the upload, profiled below.
  const modulesDir = join(outdir, 'modules')
  const metafile = join(outdir, 'meta.json')
  const upload = join(outdir, 'worker.bundle')
  const built = spawnSync(
    'wrangler',
    [
      'deploy',
      '--dry-run',
      '--env',
      'production',
      '--outdir',
      modulesDir,
      `--metafile=${metafile}`,
      '--outfile',
      upload,
    ],
    { encoding: 'utf8' },
  )
  if (built.status !== 0) {
    process.stderr.write(built.stdout + built.stderr)
    process.exit(built.status ?? 1)
  }
  const modules = readdirSync(modulesDir).filter((name) => name.endsWith('.js') || name.endsWith('.mjs'))
  let raw = 0
  let gzipped = 0
  for (const name of modules) {
    const bytes = readFileSync(join(modulesDir, name))
    raw += bytes.length
    gzipped += gzipSync(bytes).length
  }
  const kib = (bytes) => (bytes / 1024).toFixed(1)
  const within = gzipped / 1024 <= BUDGET_KIB
  console.log(
    `bundle: ${modules.join(', ')} ${kib(raw)} KiB minified, ${kib(gzipped)} KiB gzipped; budget ${BUDGET_KIB} KiB gzipped → ${within ? 'within' : 'OVER'}`,
  )

  // The packages wrangler.toml's [alias] points at the Worker's own builds of them (scripts/build.mjs) must
  // come from there: a module of theirs from node_modules means an alias stopped applying, and brings back
  // what those builds leave out (zod's locales alone are ~250 KiB minified).
  const packageOf = (specifier) =>
    specifier
      .split('/')
      .slice(0, specifier.startsWith('@') ? 2 : 1)
      .join('/')
  const aliased = new Set(Object.keys((await topLevelConfig()).alias ?? {}).map(packageOf))
  const unaliased = [
    ...new Set(
      bundledInputs(JSON.parse(readFileSync(metafile, 'utf8')))
        .map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1])
        .filter((name) => name && aliased.has(name)),
    ),
  ]
  if (unaliased.length)
    console.log(
      `bundle: ${unaliased.join(', ')} bundled from node_modules, not from .build/ ([alias]) → OVER`,
    )

  // The profiler samples about once a millisecond, so an evaluation shorter than that mostly reads 0, and other
  // processes on the machine only add: the median of several profiles is the figure.
  const runs = Array.from({ length: STARTUP_RUNS }, (_, i) =>
    startupMs(upload, join(outdir, `startup-${i}.cpuprofile`)),
  ).filter((ms) => ms !== undefined)
  runs.sort((a, b) => a - b)
  const startup = runs[runs.length >> 1]
  const startupWithin = startup !== undefined && startup <= STARTUP_BUDGET_MS
  console.log(
    startup === undefined
      ? `startup: not measured (wrangler check startup failed ${STARTUP_RUNS} times) → OVER`
      : `startup: ${startup.toFixed(1)} ms of global-scope evaluation, median of ${runs.length} profiles of the production bundle (${runs.map((ms) => ms.toFixed(1)).join(', ')}; wrangler check startup --worker, local workerd; 0 is under the profiler's interval); budget ${STARTUP_BUDGET_MS} ms → ${startupWithin ? 'within' : 'OVER'}`,
  )
  if (!within || unaliased.length || !startupWithin) process.exit(1)
} finally {
  rmSync(outdir, { recursive: true, force: true })
}
