import * as z from 'zod'

export interface Bindings {
  DB: D1Database
  /** Local development and tests only (wrangler.toml [[services]]): the Stripe emulator worker. */
  STRIPE_EMULATOR?: Fetcher
  /** Workers Rate Limiting bindings (wrangler.toml [[ratelimits]]). */
  AUTH_RATE_LIMITER?: RateLimit
  USER_RATE_LIMITER?: RateLimit
  JWT_SECRET: string
  STRIPE_SECRET_KEY: string
  STRIPE_WEBHOOK_SECRET: string
  /** Signing secret of the Connect webhook endpoint (connected accounts' events); needed with OWNER_PAYOUTS. */
  STRIPE_CONNECT_WEBHOOK_SECRET?: string
  [setting: string]: unknown
}

export interface AuthUser {
  id: string
  email: string
  role: 'user' | 'admin'
}

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback)

/** How owners are paid: Stripe Connect transfers (docs/PAYOUTS.md), or `off` for a marketplace that pays them another way. */
const OWNER_PAYOUT_MODES = ['stripe_connect', 'off'] as const
/** The moment a payout is due, before PAYOUT_DELAY_DAYS: the rental's start (default), the payment, the rental's end. */
const PAYOUT_RELEASE_MOMENTS = ['rental_start', 'payment', 'rental_end'] as const
/** Who bears the platform fee when a payment is refunded (domain/payouts.ts has the rule). */
export const REFUND_FEE_POLICIES = ['proportional', 'platform_keeps'] as const

/** A comma-separated list, trimmed, empty items dropped. */
const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value ? value : undefined))

const settingsSchema = z
  .object({
    APP_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
    JWT_ISSUER: z.string().min(1).default('backline'),
    JWT_AUDIENCE: z.string().min(1).default('backline-api'),
    JWT_TTL_SECONDS: integer(3600, 60, 86_400),
    JWKS_URL: optionalText.pipe(z.url().optional()),
    JWKS_ISSUER: optionalText,
    JWKS_AUDIENCE: optionalText,
    // Basis-point precision (domain/fees.ts): 12.5 is fine, 12.345 is refused rather than silently rounded.
    PLATFORM_FEE_PERCENT: z.coerce.number().min(0).max(100).multipleOf(0.01).default(10),
    RENTAL_HOLD_MINUTES: integer(30, 1, 24 * 60),
    MAX_RENTAL_DAYS: integer(90, 1, 366),
    MAX_OPEN_HOLDS_PER_RENTER: integer(3, 1, 100),
    CORS_ORIGINS: list,
    STRIPE_SECRET_KEY: z.string().min(1),
    STRIPE_WEBHOOK_SECRET: z.string().min(1),
    STRIPE_PUBLISHABLE_KEY: z.string().default('pk_test_emulator'),
    STRIPE_TIMEOUT_MS: integer(10_000, 1_000, 25_000),
    STRIPE_MAX_RETRIES: integer(2, 0, 5),
    RECONCILE_AFTER_MINUTES: integer(15, 1, 24 * 60),
    OWNER_PAYOUTS: z.enum(OWNER_PAYOUT_MODES).default('stripe_connect'),
    STRIPE_CONNECT_WEBHOOK_SECRET: optionalText,
    PAYOUT_RELEASE_AT: z.enum(PAYOUT_RELEASE_MOMENTS).default('rental_start'),
    PAYOUT_DELAY_DAYS: integer(0, 0, 90),
    REFUND_FEE_POLICY: z.enum(REFUND_FEE_POLICIES).default('proportional'),
    /** Origins (scheme, host, port) an onboarding link may send the owner back to. */
    PAYOUT_ONBOARDING_ORIGINS: list,
    // Security deposits (docs/DEPOSITS.md). A card hold lasts about 7 days (4 days 18 hours for a Visa held
    // off-session): it is placed this long before the start, never weeks ahead.
    DEPOSIT_HOLD_LEAD_HOURS: integer(24, 1, 96),
    DEPOSIT_CLAIM_WINDOW_HOURS: integer(48, 1, 14 * 24),
    // A fresh hold replaces one that expires within this many hours, while the deposit is still needed.
    DEPOSIT_REHOLD_BEFORE_HOURS: integer(12, 1, 48),
    DEPOSIT_CLAIM_RESPONSE_HOURS: integer(72, 1, 14 * 24),
    // The platform's fee on what a claim collects (basis-point precision, as PLATFORM_FEE_PERCENT); default none.
    DEPOSIT_CLAIM_FEE_PERCENT: z.coerce.number().min(0).max(100).multipleOf(0.01).default(0),
  })
  .refine(
    (settings) =>
      settings.APP_ENV !== 'production' || !settings.STRIPE_SECRET_KEY.startsWith('sk_test_emulator'),
    {
      path: ['STRIPE_SECRET_KEY'],
      message: 'The emulator key cannot be used in production',
    },
  )
  .refine((settings) => settings.OWNER_PAYOUTS === 'off' || settings.STRIPE_CONNECT_WEBHOOK_SECRET, {
    path: ['STRIPE_CONNECT_WEBHOOK_SECRET'],
    message: 'STRIPE_CONNECT_WEBHOOK_SECRET is required unless OWNER_PAYOUTS is off',
  })
  .refine((settings) => !settings.JWKS_URL || settings.JWKS_ISSUER, {
    path: ['JWKS_ISSUER'],
    message: 'JWKS_ISSUER is required when JWKS_URL is set',
  })

export type Settings = z.infer<typeof settingsSchema>

const parsed = new WeakMap<object, Settings>()

/** Settings are parsed once per isolate and per env object; a bad setting fails loudly at the first request. */
export function loadSettings(env: Bindings): Settings {
  const cached = parsed.get(env)
  if (cached) return cached
  const result = settingsSchema.safeParse(env)
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.')).join(', ')
    throw new Error(`Invalid configuration: ${fields}`)
  }
  parsed.set(env, result.data)
  return result.data
}
