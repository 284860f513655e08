// Serves the bench build in workerd through Miniflare's programmatic API: no `wrangler dev` and no Node
// proxy in front of it (that proxy caps a trivial route near 1,000 requests/s on these machines).
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleWorker, topLevelConfig } from '../scripts/bundle-worker.mjs'
import { buildAll } from '../scripts/build.mjs'
import { SignJWT } from 'jose'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'

const OUT = 'node_modules/.cache/backline-bench'
const COMPATIBILITY = { compatibilityDate: '2026-08-01', compatibilityFlags: ['nodejs_compat'] }

export const BENCH_SECRETS = {
  JWT_SECRET: 'bench-only-jwt-secret-0123456789abcdef0123456789',
  STRIPE_SECRET_KEY: 'sk_test_emulator_backline_bench',
  STRIPE_WEBHOOK_SECRET: 'whsec_bench_backline_emulator',
  STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_bench_backline_connect',
}

const CONFIG = await topLevelConfig()

/**
 * The [vars] of wrangler.toml, read from it (so they cannot drift from what is deployed). LOG_LEVEL info logs
 * one JSON access line per request, as deployed by default; BENCH_LOG_LEVEL=warn measures without it.
 */
const VARS = {
  ...CONFIG.vars,
  ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}),
}

/** A token of the API's own kind for a bench user, signed with the bench secret. */
export const benchToken = (user) =>
  new SignJWT({ email: user.email, role: 'user' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(VARS.JWT_ISSUER)
    .setAudience(VARS.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('4h')
    .sign(new TextEncoder().encode(BENCH_SECRETS.JWT_SECRET))

/**
 * Builds the bench build of the API (`api: false` skips it) and the emulator. The API's modules resolve as in
 * wrangler's builds: its [alias] (the Worker's builds of zod, drizzle-orm and the Stripe SDK, which
 * scripts/build.mjs makes).
 */
export async function buildWorkers({ minify = true, api = true } = {}) {
  mkdirSync(OUT, { recursive: true })
  if (api) await buildAll()
  await Promise.all([
    api ? bundleWorker('bench/worker.ts', join(OUT, 'api.js'), { minify, aliases: CONFIG.alias }) : undefined,
    bundleWorker('stripe-emulator/src/index.ts', join(OUT, 'emulator.js'), { minify: true }),
  ])
}

/** migrations/*.sql in order, split on drizzle-kit's breakpoints. */
export function migrationStatements() {
  return readdirSync('migrations')
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .flatMap((name) => readFileSync(join('migrations', name), 'utf8').split('--> statement-breakpoint'))
    .map((statement) => statement.trim())
    .filter(Boolean)
}

/**
 * Where Miniflare keeps the local D1 and Durable Object storage (it uses the OS temporary directory, which it
 * reads from TMPDIR). Local D1 commits a SQLite transaction with an fsync on every query, reads included
 * (strace: one fsync and two pwrite per `SELECT`), which production D1 does not do on the Worker's machine; on
 * this VM's disk that cost about a third of the storage floor's throughput. So storage goes to tmpfs
 * (/dev/shm) when there is one; BENCH_TMPDIR=/tmp measures with the disk.
 */
export function useStorageDirectory() {
  const chosen = process.env.BENCH_TMPDIR ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined)
  if (chosen) process.env.TMPDIR = chosen
  return tmpdir()
}

/**
 * Two workers in one workerd: the API (bench build) with an in-memory local D1, and the Stripe emulator
 * (its state in a SQLite Durable Object) behind the STRIPE_EMULATOR service binding. No rate-limit bindings:
 * the middleware skips limiting when they are absent, which is what a load test of one user needs.
 */
export async function startServer({
  onLog,
  inspectorPort,
  bindings = {},
  assets,
  apiScript = join(OUT, 'api.js'),
} = {}) {
  useStorageDirectory()
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      ...(inspectorPort ? { inspectorPort } : {}),
      handleStructuredLogs: onLog ?? (() => {}),
      // Miniflare's own "GET /path 200" line re-wraps every response in its entry worker: not the app's cost.
      logRequests: false,
      workers: [
        {
          name: 'backline-bench',
          modules: true,
          scriptPath: apiScript,
          ...COMPATIBILITY,
          d1Databases: { DB: 'backline-bench' },
          // Workers Static Assets ([assets] in wrangler.toml), served before the Worker as in production.
          ...(assets ? { assets: { directory: assets, routerConfig: { has_user_worker: true } } } : {}),
          bindings: { ...VARS, ...BENCH_SECRETS, ...bindings },
          serviceBindings: { STRIPE_EMULATOR: 'stripe-emulator' },
        },
        {
          name: 'stripe-emulator',
          modules: true,
          scriptPath: join(OUT, 'emulator.js'),
          ...COMPATIBILITY,
          durableObjects: { STATE: { className: 'EmulatorState', useSQLite: true } },
          // No push target: events wait in the emulator's outbox (a bench of the API, not of webhook fan-out).
          bindings: {
            STRIPE_WEBHOOK_SECRET: BENCH_SECRETS.STRIPE_WEBHOOK_SECRET,
            WEBHOOK_URL: '',
            STRIPE_CONNECT_WEBHOOK_SECRET: BENCH_SECRETS.STRIPE_CONNECT_WEBHOOK_SECRET,
            CONNECT_WEBHOOK_URL: '',
          },
        },
      ],
    }),
  )
  const url = await mf.ready
  const db = await mf.getD1Database('DB', 'backline-bench')
  const migrations = migrationStatements()
  await db.batch(migrations.map((statement) => db.prepare(statement)))
  return { mf, url: url.toString().replace(/\/$/, ''), db, migrations: migrations.length }
}

/** Runs the seed statements a few at a time (each batch is one round trip through Miniflare's proxy). */
export async function seed(db, statements, perBatch = 8) {
  for (let i = 0; i < statements.length; i += perBatch) {
    await db.batch(statements.slice(i, i + perBatch).map((statement) => db.prepare(statement)))
  }
}

/** The workerd process Miniflare started (a child of this process); undefined off Linux. */
export function workerdPid() {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .find((entry) => {
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
          return stat.includes('(workerd)') && stat.split(') ')[1].split(' ')[1] === String(process.pid)
        } catch {
          return false
        }
      })
  } catch {
    return undefined
  }
}

/** CPU time (ms, user + system) used so far by the workerd process Miniflare started; undefined off Linux. */
export function workerdCpuMs() {
  try {
    const pid = workerdPid()
    if (!pid) return undefined
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}
