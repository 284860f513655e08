import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { readFile } from 'node:fs/promises'
import type { Plugin } from 'vite'
import { configDefaults, defineConfig } from 'vitest/config'

export const TEST_SECRETS = {
  JWT_SECRET: 'test-only-jwt-secret-0123456789abcdef0123456789',
  STRIPE_SECRET_KEY: 'sk_test_emulator_backline_tests',
  STRIPE_WEBHOOK_SECRET: 'whsec_test_backline_emulator',
  // The emulator's Connect endpoint secret below: connected accounts' events (POST /api/webhooks/stripe-connect).
  STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_test_backline_connect',
}

// Short enough that a test of a hung Stripe connection finishes in seconds, long enough for a busy machine.
// Test files share a few renters across many bookings; the hold limit's own test reads this value.
// Onboarding links in tests come back to the test origin.
const TEST_SETTINGS = {
  STRIPE_TIMEOUT_MS: '3000',
  MAX_OPEN_HOLDS_PER_RENTER: '5',
  PAYOUT_ONBOARDING_ORIGINS: 'https://backline.test,https://shop.example',
}

// The Stripe emulator runs as an auxiliary worker: it cannot read its own wrangler.toml here, so it is
// described with Miniflare WorkerOptions and built to JavaScript by test/global-setup.ts first.
const stripeEmulator = {
  name: 'stripe-emulator',
  modules: true,
  scriptPath: './stripe-emulator/dist/index.js',
  compatibilityDate: '2026-08-01',
  compatibilityFlags: ['nodejs_compat'],
  durableObjects: { STATE: { className: 'EmulatorState', useSQLite: true } },
  bindings: {
    STRIPE_WEBHOOK_SECRET: TEST_SECRETS.STRIPE_WEBHOOK_SECRET,
    WEBHOOK_URL: '',
    // Connected accounts' events: their own endpoint and secret (test/emulator/connect-webhooks.test.ts).
    STRIPE_CONNECT_WEBHOOK_SECRET: TEST_SECRETS.STRIPE_CONNECT_WEBHOOK_SECRET,
    CONNECT_WEBHOOK_URL: '',
  },
  // The emulator's outbound fetches (webhook pushes) land on this sink: `/status/<code>` answers <code>.
  outboundService: 'webhook-sink',
}

const webhookSink = {
  name: 'webhook-sink',
  modules: true,
  compatibilityDate: '2026-08-01',
  script: `export default { fetch(request) {
    const code = Number(new URL(request.url).pathname.split('/status/')[1] ?? 200)
    return new Response(request.headers.get('stripe-signature') ? 'ok' : 'unsigned', { status: request.headers.get('stripe-signature') ? code : 400 })
  } }`,
}

// The stripe package ships source maps that point at sources it does not ship, and Vite warns about each
// file; loading its modules without their sourceMappingURL comment silences that noise.
const withoutStripeSourceMaps: Plugin = {
  name: 'without-stripe-source-maps',
  enforce: 'pre',
  async load(id) {
    if (!id.includes('/node_modules/stripe/') || !id.endsWith('.js')) return null
    const code = await readFile(id, 'utf8')
    return { code: code.replace(/^\/\/# sourceMappingURL=.*$/gm, ''), map: null }
  },
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations')
  return {
    plugins: [
      withoutStripeSourceMaps,
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: { ...TEST_SECRETS, ...TEST_SETTINGS, TEST_MIGRATIONS: migrations },
          serviceBindings: { STRIPE_EMULATOR: 'stripe-emulator' },
          workers: [stripeEmulator, webhookSink],
        },
      }),
    ],
    test: {
      // test/browser/, test/build/ and test/e2e/ are node --test's (npm run test:browser: Chromium through
      // playwright-core; npm run test:build: the Worker's builds of its packages; npm run test:e2e: the
      // lifecycles against npm run dev), not workerd's.
      exclude: [...configDefaults.exclude, 'test/browser/**', 'test/build/**', 'test/e2e/**'],
      globalSetup: ['./test/global-setup.ts'],
      setupFiles: ['./test/apply-migrations.ts'],
      testTimeout: 20_000,
      // Files run in parallel: each has its own D1 (the pool's isolated storage) and its own emulated Stripe
      // account (test/helpers/stripe-emulator.ts names a namespace per file). Much of a file's time is spent
      // waiting (Stripe hangs, timeouts, workerd start-up), so more workers than cores still pays.
      maxWorkers: 4,
      // Logs of passing tests are noise; a failing test still shows its request log lines.
      silent: 'passed-only' as const,
    },
  }
})
