// The Worker as `wrangler deploy --env production` would upload it (minified: wrangler.toml), gzipped, against
// a budget, and the CPU time of its start-up (evaluating its global scope) against another. CI runs it
// (.ci/run); BENCHMARKS.md, Bundle size, says what they hold and why. BUNDLE_BUDGET_KIB and STARTUP_BUDGET_MS
// override the budgets, STARTUP_RUNS the number of start-up profiles.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KIB = Number(process.env.BUNDLE_BUDGET_KIB ?? 150)
const STARTUP_BUDGET_MS = Number(process.env.STARTUP_BUDGET_MS ?? 15)
const STARTUP_RUNS = Number(process.env.STARTUP_RUNS ?? 5)

/**
 * Milliseconds of non-idle samples in one start-up CPU profile of `wrangler check startup` (local workerd): the
 * "Active" time wrangler prints, garbage collection included. Undefined when no profile could be taken, or
 * when it caught no sample of the script (it sometimes starts after the evaluation).
 */
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
  const active = profile.samples.reduce(
    (sum, sample, i) => sum + (idle.has(sample) ? 0 : (profile.timeDeltas[i] ?? 0)),
    0,
  )
  return active > 0 ? active / 1000 : undefined
}

const outdir = mkdtempSync(join(tmpdir(), 'backline-bundle-'))
try {
  const metafile = join(outdir, 'meta.json')
  const built = spawnSync(
    'wrangler',
    ['deploy', '--dry-run', '--env', 'production', '--outdir', outdir, `--metafile=${metafile}`],
    { encoding: 'utf8' },
  )
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

  // zod, drizzle-orm, the Stripe SDK and zod-to-openapi must come from the Worker's own builds of them
  // (scripts/build.mjs), through wrangler.toml's [alias]: a module of theirs from node_modules means an alias
  // stopped applying, and brings back what those builds leave out (zod's locales alone are ~250 KiB minified).
  const inputs = Object.values(JSON.parse(readFileSync(metafile, 'utf8')).outputs).flatMap((output) =>
    Object.entries(output.inputs ?? {}).filter(([, input]) => input.bytesInOutput > 0),
  )
  const unaliased = [
    ...new Set(
      inputs
        .map(
          ([path]) =>
            /node_modules\/(zod|drizzle-orm|stripe|@asteasolutions\/zod-to-openapi)\//.exec(path)?.[1],
        )
        .filter(Boolean),
    ),
  ]
  if (unaliased.length)
    console.log(
      `bundle: ${unaliased.join(', ')} bundled from node_modules, not from .build/ ([alias]) → OVER`,
    )
  // Those builds export only the names the app uses (found in src/): a name they lack is a warning of
  // esbuild's, and an undefined value at run time.
  const undefinedImports = (built.stdout + built.stderr)
    .split('\n')
    .filter((line) => line.includes('[import-is-undefined]'))
  if (undefinedImports.length)
    console.log(`bundle: imports that will be undefined → OVER\n${undefinedImports.join('\n')}`)

  // The profile samples about once a millisecond, and other processes on the machine only ever add to it: the
  // least of several runs is the figure.
  const runs = Array.from({ length: STARTUP_RUNS }, (_, i) =>
    startupMs(join(outdir, `startup-${i}.cpuprofile`)),
  ).filter((ms) => ms !== undefined)
  runs.sort((a, b) => a - b)
  const startup = runs[0]
  const startupWithin = startup !== undefined && startup <= STARTUP_BUDGET_MS
  console.log(
    startup === undefined
      ? `startup: not measured (wrangler check startup failed ${STARTUP_RUNS} times) → OVER`
      : `startup: ${startup.toFixed(1)} ms of global-scope evaluation, least of ${runs.length} runs (median ${runs[runs.length >> 1].toFixed(1)}; wrangler check startup, local workerd); budget ${STARTUP_BUDGET_MS} ms → ${startupWithin ? 'within' : 'OVER'}`,
  )
  if (!within || unaliased.length || undefinedImports.length || !startupWithin) process.exit(1)
} finally {
  rmSync(outdir, { recursive: true, force: true })
}
