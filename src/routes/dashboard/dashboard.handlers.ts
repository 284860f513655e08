import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../../app-env'
import type { AuthUser } from '../../env'
import { ApiError } from '../../lib/errors'
import { issueToken } from '../../lib/jwt'
import { userFromToken } from '../../middleware/auth'
import { limitClientAddress, limitUser } from '../../middleware/rate-limit'
import { adminAttention, adminStats } from '../../use-cases/admin-stats'
import { ownerStats } from '../../use-cases/owner-stats'
import { authenticateUser } from '../../use-cases/users'
import { DateWindowQuery } from '../schemas'
import { adminDashboard, ownerDashboard, problemPage, signInPage, type DateWindow } from './render'

type DashboardContext = Context<AppEnv>

/**
 * The session is our own JWT in a host-only cookie: HttpOnly (no script can read it), Secure, SameSite=Strict
 * (no other site's page can send it), path / (the __Host- prefix requires it), and as long-lived as the token.
 */
const COOKIE = 'backline_dashboard'

const FORM_TYPE = 'application/x-www-form-urlencoded'

/** Form fields are bounded before a password hash is spent on them. */
const MAX_FIELD_LENGTH = 320

/**
 * No script at all, one inline stylesheet allowed by a per-response nonce, forms posting only to this origin,
 * and never framed: a strict Content-Security-Policy for pages that show money.
 */
function protect(c: DashboardContext): string {
  const nonce = crypto.randomUUID().replaceAll('-', '')
  c.header(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  )
  c.header('Cache-Control', 'no-store')
  return nonce
}

/**
 * A form post must come from this origin's own page. Browsers say so in Sec-Fetch-Site; one that does not may
 * send its Origin (under the app's Referrer-Policy: no-referrer, current browsers send `Origin: null`).
 */
function sameOrigin(c: DashboardContext): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site !== undefined) return site === 'same-origin'
  return c.req.header('origin') === new URL(c.req.url).origin
}

async function sessionUser(c: DashboardContext): Promise<AuthUser | undefined> {
  const token = getCookie(c, COOKIE, 'host')
  if (!token) return undefined
  try {
    return await userFromToken(c.var, token)
  } catch (error) {
    if (error instanceof ApiError) return undefined
    throw error
  }
}

const firstOfMonth = (date: Date, monthsAhead: number) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthsAhead, 1)).toISOString().slice(0, 10)

/** `?from&to`, or the twelve months up to and including the current one. */
function windowOf(c: DashboardContext): DateWindow | string {
  const now = c.var.services.clock()
  const from = c.req.query('from') ?? firstOfMonth(now, -11)
  const to = c.req.query('to') ?? firstOfMonth(now, 1)
  const window = DateWindowQuery.safeParse({ from, to })
  return window.success ? window.data : 'From and to must be dates in YYYY-MM-DD format'
}

/** GET /dashboard: the sign-in form, or the signed-in user's figures (an admin's are the platform's). */
export async function page(c: DashboardContext) {
  const nonce = protect(c)
  const user = await sessionUser(c)
  if (!user) return c.html(signInPage(nonce), 200)
  const window = windowOf(c)
  const fallback = { from: '', to: '' }
  if (typeof window === 'string') return c.html(problemPage(nonce, user, fallback, window), 400)
  try {
    // The same per-user budget as the API's (requireAuth): each view reads figures from D1.
    await limitUser(c, user.id)
    const services = c.var.services
    if (user.role === 'admin') {
      const [figures, attention] = await Promise.all([
        adminStats(services, user, window.from, window.to),
        adminAttention(services, user),
      ])
      return c.html(adminDashboard(nonce, user, window, figures, attention), 200)
    }
    return c.html(
      ownerDashboard(nonce, user, window, await ownerStats(services, user, window.from, window.to)),
    )
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      return c.html(problemPage(nonce, user, window, error.message), error.status, error.options.headers)
    }
    throw error
  }
}

/** POST /dashboard/sign-in (a form): checks the password as POST /api/auth/login does, then sets the cookie. */
export async function signIn(c: DashboardContext) {
  const nonce = protect(c)
  if (!sameOrigin(c)) return c.html(signInPage(nonce, 'Sign in from this site’s own page.'), 403)
  // The page's form is URL-encoded; any other body (a multipart one without a boundary makes the parser throw)
  // is refused before it is parsed.
  if (!c.req.header('content-type')?.toLowerCase().startsWith(FORM_TYPE)) {
    return c.html(signInPage(nonce, 'Sign in with this site’s own form.'), 415)
  }
  const form = await c.req.parseBody()
  const email = typeof form.email === 'string' ? form.email.slice(0, MAX_FIELD_LENGTH) : ''
  const password = typeof form.password === 'string' ? form.password.slice(0, MAX_FIELD_LENGTH) : ''
  if (!email || !password) return c.html(signInPage(nonce, 'Enter your email and password.', email), 400)
  try {
    await limitClientAddress(c)
    const user = await authenticateUser(c.var.services, email, password)
    const { settings } = c.var
    const token = await issueToken(settings, { sub: user.id, email: user.email, role: user.role })
    setCookie(c, COOKIE, token, {
      prefix: 'host',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: settings.JWT_TTL_SECONDS,
    })
    return c.redirect('/dashboard', 303)
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      return c.html(signInPage(nonce, error.message, email), error.status, error.options.headers)
    }
    throw error
  }
}

/** POST /dashboard/sign-out: forgets the cookie. */
export async function signOut(c: DashboardContext) {
  if (!sameOrigin(c)) return c.html(signInPage(protect(c), 'Sign out from this site’s own page.'), 403)
  deleteCookie(c, COOKIE, { prefix: 'host', secure: true, path: '/' })
  return c.redirect('/dashboard', 303)
}
