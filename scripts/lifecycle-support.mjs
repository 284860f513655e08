// What `npm run lifecycle` and `npm run lifecycle:deposits` share: where the API and the emulator listen, the
// demo users' sign-in, and the lines they print.
//   API_URL (http://localhost:8787), EMULATOR_URL (http://localhost:12111), STRIPE_SECRET_KEY (the emulator's)
export const API = process.env.API_URL ?? `http://localhost:${process.env.API_PORT ?? 8787}`
export const STRIPE = process.env.EMULATOR_URL ?? `http://localhost:${process.env.EMULATOR_PORT ?? 12111}`
export const STRIPE_KEY = process.env.STRIPE_SECRET_KEY ?? 'sk_test_emulator_backline_dev'

/** A demo user's token (`call` is the script's own API call). */
export const login = async (call, email) =>
  (await call('POST', '/api/auth/login', { body: { email, password: 'backline-demo-password' } })).token

/** Runs the Cron Trigger as wrangler dev does (`/cdn-cgi/local/scheduled`), with its clock at `time`. */
export const runScheduled = (time) =>
  fetch(`${API}/cdn-cgi/local/scheduled?cron=${encodeURIComponent('*/5 * * * *')}&time=${time}`)

export const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
export const show = (label, value) => console.log(`  ${label}:`, JSON.stringify(value))
export const step = (title) => console.log(`\n— ${title}`)
export const check = (label, ok) => {
  console.log(`  ${ok ? '✓' : '✗'} ${label}`)
  if (!ok) process.exitCode = 1
}
