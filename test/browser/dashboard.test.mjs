// /dashboard in a real browser: sign in on the page as the demo owner and the demo admin, and read the seeded
// figures (seed/seed.sql) off the SVG charts. Run by `npm test` (npm run test:browser).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEMO_PASSWORD, launchBrowser, newPage, screenshot, startApp } from './harness.mjs'

// The seed's six months: revenue per month in minor units (10% platform fee, one refund of $40.00 in August).
const WINDOW = 'from=2026-06-01&to=2026-12-01'
const USD_REVENUE = {
  '2026-06': 7500,
  '2026-07': 12000,
  '2026-08': 14000,
  '2026-09': 5000,
  '2026-10': 18000,
  '2026-11': 0,
}

let server
let browser

before(async () => {
  server = await startApp()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.mf.dispose()
})

async function signIn(page, email) {
  await page.goto(`${server.url}/dashboard`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // Signed in once the redirected page has loaded (navigating on before that would abort it).
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}

/** { key: value } of a chart's bars, as the page carries them. */
const bars = (page, chart) =>
  page
    .locator(`svg[data-chart="${chart}"] g.bar`)
    .evaluateAll((groups) => Object.fromEntries(groups.map((g) => [g.dataset.key, Number(g.dataset.value)])))

describe('/dashboard in Chromium', () => {
  it('refuses a wrong password on the page', async () => {
    const { page, problems } = await newPage(browser)
    await page.goto(`${server.url}/dashboard`)
    await page.getByLabel('Email').fill('owner@backline.dev')
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').waitFor()
    assert.match(await page.getByRole('alert').innerText(), /Email or password is incorrect/)
    await screenshot(page, 'dashboard-sign-in-refused')
    // The browser logs the 401 response itself; nothing else may be reported.
    assert.deepEqual(
      problems.filter((text) => !text.includes('401')),
      [],
    )
    await page.close()
  })

  it("shows the demo owner's seeded revenue, net and occupancy as charts", async () => {
    const { page, problems } = await newPage(browser)
    await signIn(page, 'owner@backline.dev')
    await page.goto(`${server.url}/dashboard?${WINDOW}`)
    assert.deepEqual(await bars(page, 'revenue-usd'), USD_REVENUE)
    assert.equal((await bars(page, 'revenue-eur'))['2026-07'], 12000)
    assert.equal((await bars(page, 'revenue-jpy'))['2026-10'], 12000)
    // August: $140.00 less the $14.00 fee and the $40.00 refund.
    assert.equal((await bars(page, 'net-usd'))['2026-08'], 8600)
    const revenue = page.locator('svg[data-chart="revenue-usd"]')
    await revenue.getByText('$180.00', { exact: true }).waitFor()
    // A bar's drawn height follows its figure: October's $180.00 is the tallest, November's is empty.
    const heights = await revenue
      .locator('g.bar rect')
      .evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect().height))
    assert.equal(Math.max(...heights), heights[4])
    assert.equal(heights[5], 0)
    assert.ok(heights[0] > 0 && heights[0] < heights[4])
    const occupancy = await bars(page, 'occupancy')
    assert.equal(Object.keys(occupancy).length, 5)
    // The Nord: 2 nights in July and 3 in October, of 183 nights in the window.
    assert.equal(occupancy.lst_demoNord0000000001, Math.round((5 / 183) * 1000) / 1000)
    const august = page.locator('table[data-table="owner-usd"] tr', { hasText: 'Aug 2026' })
    assert.deepEqual(await august.locator('td').allInnerTexts(), [
      'Aug 2026',
      '1',
      '7',
      '$140.00',
      '$14.00',
      '$40.00',
      '$86.00',
    ])
    await screenshot(page, 'dashboard-owner')
    assert.deepEqual(problems, [])
    await page.close()
  })

  it("shows the demo admin the platform's seeded volume and fees, then signs out", async () => {
    const { page, problems } = await newPage(browser)
    await signIn(page, 'admin@backline.dev')
    await page.goto(`${server.url}/dashboard?${WINDOW}`)
    assert.deepEqual(await bars(page, 'gross-usd'), USD_REVENUE)
    assert.equal((await bars(page, 'fees-usd'))['2026-10'], 1800)
    await page.locator('svg[data-chart="gross-usd"]').getByText('$140.00', { exact: true }).waitFor()
    assert.equal(await page.locator('table[data-table="attention"] tr').count(), 7)
    await page.locator('table[data-table="attention"] tr[data-key="webhook_lag_last_hour"]').waitFor()
    await screenshot(page, 'dashboard-admin')
    await Promise.all([
      page.waitForURL(/\/dashboard$/),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ])
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    assert.deepEqual(problems, [])
    await page.close()
  })
})
