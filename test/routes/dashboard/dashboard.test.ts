import { describe, expect, it } from 'vitest'
import { api, CLIENT_ADDRESS, callWorker } from '../../helpers/api'
import { createUser, dateFromToday, TEST_PASSWORD, type TestUser } from '../../helpers/factories'
import { paidBooking } from '../../helpers/payments'

const ORIGIN = 'https://backline.test'
const COOKIE = '__Host-backline_dashboard'

const get = (path: string, cookie?: string) =>
  callWorker(
    new Request(`${ORIGIN}${path}`, {
      headers: { 'cf-connecting-ip': CLIENT_ADDRESS, ...(cookie ? { cookie } : {}) },
    }),
  )

const post = (
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = { origin: ORIGIN },
) =>
  callWorker(
    new Request(`${ORIGIN}${path}`, {
      method: 'POST',
      headers: { 'cf-connecting-ip': CLIENT_ADDRESS, ...headers },
      body: new URLSearchParams(form),
      redirect: 'manual',
    }),
  )

/** Signs in through the form and returns the session cookie (name=value) the browser would keep. */
async function signIn(user: TestUser) {
  const response = await post('/dashboard/sign-in', { email: user.email, password: TEST_PASSWORD })
  expect(response.status).toBe(303)
  expect(response.headers.get('location')).toBe('/dashboard')
  const setCookie = response.headers.get('set-cookie') ?? ''
  expect(setCookie).toMatch(new RegExp(`^${COOKIE}=`))
  expect(setCookie).toContain('HttpOnly')
  expect(setCookie).toContain('Secure')
  expect(setCookie).toContain('SameSite=Strict')
  expect(setCookie).toContain('Path=/')
  return setCookie.split(';')[0] ?? ''
}

function expectStrictPage(response: Response) {
  expect(response.headers.get('content-type')).toContain('text/html')
  const csp = response.headers.get('content-security-policy') ?? ''
  expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[0-9a-f]{32}';/)
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).not.toContain('unsafe')
  expect(response.headers.get('cache-control')).toBe('no-store')
}

describe('/dashboard', () => {
  it('shows a sign-in form without a session, under a strict CSP, with no script', async () => {
    const response = await get('/dashboard')
    expect(response.status).toBe(200)
    expectStrictPage(response)
    const page = await response.text()
    expect(page).toContain('action="/dashboard/sign-in"')
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
  })

  it('refuses a wrong password, a missing field and a post from another site', async () => {
    const user = await createUser()
    const wrong = await post('/dashboard/sign-in', { email: user.email, password: 'not the password' })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('Email or password is incorrect')
    expect(wrong.headers.get('set-cookie')).toBeNull()
    expect((await post('/dashboard/sign-in', { email: user.email })).status).toBe(400)
    const forged = await post(
      '/dashboard/sign-in',
      { email: user.email, password: TEST_PASSWORD },
      { origin: 'https://evil.example' },
    )
    expect(forged.status).toBe(403)
    expect(forged.headers.get('set-cookie')).toBeNull()
    const noOrigin = await post('/dashboard/sign-in', { email: user.email, password: TEST_PASSWORD }, {})
    expect(noOrigin.status).toBe(403)
    // What Chromium sends from the page itself under Referrer-Policy: no-referrer, and from another site.
    const fromPage = { 'sec-fetch-site': 'same-origin', origin: 'null' }
    expect(
      (await post('/dashboard/sign-in', { email: user.email, password: TEST_PASSWORD }, fromPage)).status,
    ).toBe(303)
    const crossSite = { 'sec-fetch-site': 'cross-site', origin: ORIGIN }
    expect(
      (await post('/dashboard/sign-in', { email: user.email, password: TEST_PASSWORD }, crossSite)).status,
    ).toBe(403)
  })

  it('refuses a sign-in body that is not the form’s URL encoding (415, never a 500)', async () => {
    for (const type of ['multipart/form-data', 'multipart/form-data; boundary=x', 'application/json', '']) {
      const response = await callWorker(
        new Request(`${ORIGIN}/dashboard/sign-in`, {
          method: 'POST',
          headers: {
            origin: ORIGIN,
            'cf-connecting-ip': CLIENT_ADDRESS,
            ...(type ? { 'content-type': type } : {}),
          },
          body: type ? '--x\r\n%%%' : null,
        }),
      )
      expect(response.status, type).toBe(415)
      expect(response.headers.get('set-cookie')).toBeNull()
    }
  })

  it('refuses a sign-in body over 4 KiB', async () => {
    const response = await post('/dashboard/sign-in', { email: 'a@b.test', password: 'x'.repeat(5000) })
    expect(response.status).toBe(413)
  })

  it("shows an owner their own figures and occupancy, and nobody else's", async () => {
    const paid = await paidBooking({ currency: 'sek', dailyRate: 12_345, days: 2 })
    const other = await paidBooking({ currency: 'nok', dailyRate: 5_000, days: 1 })
    const cookie = await signIn(paid.owner)
    const window = `from=${dateFromToday(-1)}&to=${dateFromToday(1)}`
    const response = await get(`/dashboard?${window}`, cookie)
    expect(response.status).toBe(200)
    expectStrictPage(response)
    const page = await response.text()
    expect(page).toContain('data-chart="revenue-sek"')
    expect(page).toMatch(/data-value="24690"/)
    expect(page).toContain('SEK')
    expect(page).toContain('data-chart="occupancy"')
    expect(page).not.toContain('revenue-nok')
    expect(page).toContain(`data-key="${paid.listingId}"`)
    expect(page).not.toContain(other.listingId)
  })

  it('shows an admin the platform figures and what needs attention', async () => {
    await paidBooking({ currency: 'dkk', dailyRate: 10_000, days: 3 })
    const admin = await createUser({ role: 'admin' })
    const cookie = await signIn(admin)
    const response = await get(`/dashboard?from=${dateFromToday(-1)}&to=${dateFromToday(1)}`, cookie)
    expect(response.status).toBe(200)
    const page = await response.text()
    expect(page).toContain('data-chart="gross-dkk"')
    expect(page).toContain('data-chart="fees-dkk"')
    expect(page).toContain('data-table="attention"')
  })

  it('answers a bad window with a 400 page, not a 500', async () => {
    const cookie = await signIn(await createUser())
    const bad = await get('/dashboard?from=2026-13-01&to=2026-12-01', cookie)
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('YYYY-MM-DD')
    const reversed = await get('/dashboard?from=2026-12-01&to=2026-11-01', cookie)
    expect(reversed.status).toBe(400)
    expect(await reversed.text()).toContain('Must be after from')
    const long = await get('/dashboard?from=2024-01-01&to=2026-01-01', cookie)
    expect(long.status).toBe(400)
  })

  it('treats a forged or tampered cookie as no session, and signs out', async () => {
    const cookie = await signIn(await createUser())
    const tampered = `${cookie.slice(0, -3)}abc`
    expect(await (await get('/dashboard', tampered)).text()).toContain('action="/dashboard/sign-in"')
    expect(await (await get('/dashboard', `${COOKIE}=not.a.jwt`)).text()).toContain(
      'action="/dashboard/sign-in"',
    )
    const signedIn = await get('/dashboard', cookie)
    expect(await signedIn.text()).toContain('action="/dashboard/sign-out"')
    expect((await post('/dashboard/sign-out', {}, { origin: 'https://evil.example', cookie })).status).toBe(
      403,
    )
    const out = await post('/dashboard/sign-out', {}, { origin: ORIGIN, cookie })
    expect(out.status).toBe(303)
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${COOKIE}=;.*Max-Age=0`))
  })
})

describe('/dashboard rate limits', () => {
  it("shares the user's API budget: once spent, the page answers 429", async () => {
    const user = await createUser()
    const cookie = await signIn(user)
    // The limiter counts in fixed one-minute windows: spend the budget through the API in bursts until the
    // page itself is refused (a burst may straddle two windows, and under load takes seconds).
    let refused = await get('/dashboard', cookie)
    for (let burst = 0; burst < 3 && refused.status !== 429; burst++) {
      await Promise.all(Array.from({ length: 300 }, () => api('GET', '/api/me', { token: user.token })))
      refused = await get('/dashboard', cookie)
    }
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(await refused.text()).toContain('Too many requests')
  })

  it('limits sign-in attempts per client address', async () => {
    const user = await createUser()
    const headers = { origin: ORIGIN, 'cf-connecting-ip': '203.0.113.99' }
    for (let i = 0; i < 30; i++)
      await post('/dashboard/sign-in', { email: user.email, password: 'wrong' }, headers)
    const refused = await post('/dashboard/sign-in', { email: user.email, password: TEST_PASSWORD }, headers)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(refused.headers.get('set-cookie')).toBeNull()
  })
})
