// /docs in a real browser: Swagger UI (served from the Worker's static assets, no CDN) renders every operation
// of /openapi.json, and "Authorize" plus "Try it out" call the running API with a bearer token.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DEMO_PASSWORD, launchBrowser, newPage, screenshot, startApp } from './harness.mjs'

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

describe('the production build', () => {
  it("answers a validation error with zod's English messages (its locale survives the lean bundle)", async () => {
    const response = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'someone@example.com', name: 42 }),
    })
    assert.equal(response.status, 400)
    const problem = await response.json()
    assert.equal(problem.code, 'validation_failed')
    assert.deepEqual(
      problem.errors.map((error) => error.path),
      ['body.password', 'body.name'],
    )
    assert.match(problem.errors[1].message, /expected string, received number/)
  })
})

describe('/docs in Chromium', () => {
  it('renders every operation of /openapi.json, offline', async () => {
    const document = await (await fetch(`${server.url}/openapi.json`)).json()
    const expected = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort()
    const { page, problems } = await newPage(browser)
    const elsewhere = []
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:'))
        elsewhere.push(request.url())
    })
    await page.goto(`${server.url}/docs`)
    await page.locator('.opblock').first().waitFor()
    const shown = await page
      .locator('.opblock-summary')
      .evaluateAll((blocks) =>
        blocks.map(
          (block) =>
            `${block.querySelector('.opblock-summary-method').textContent} ${block.querySelector('.opblock-summary-path').dataset.path}`,
        ),
      )
    assert.deepEqual(shown.sort(), expected)
    assert.ok(expected.length >= 30, `${expected.length} operations`)
    await screenshot(page, 'docs')
    assert.deepEqual(elsewhere, [])
    assert.deepEqual(problems, [])
    await page.close()
  })

  it('signs in with a bearer token and tries GET /api/me against the running server', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'renter@backline.dev', password: DEMO_PASSWORD }),
    })
    const { token } = await login.json()
    const { page, problems } = await newPage(browser)
    await page.goto(`${server.url}/docs`)
    await page.getByRole('button', { name: 'Authorize' }).first().click()
    await page.locator('.auth-container input').fill(token)
    await page.getByRole('button', { name: 'Apply credentials' }).click()
    await page.locator('.auth-btn-wrapper .btn-done').click()
    const me = page.locator('.opblock', { has: page.locator('.opblock-summary-path[data-path="/api/me"]') })
    await me.locator('.opblock-summary').click()
    await me.getByRole('button', { name: 'Try it out' }).click()
    await me.getByRole('button', { name: 'Execute' }).click()
    const body = me.locator('.responses-wrapper .live-responses-table .response-col_description pre').first()
    await body.waitFor()
    assert.match(await body.innerText(), /renter@backline\.dev/)
    assert.equal(
      await me.locator('.live-responses-table tbody .response-col_status').first().innerText(),
      '200',
    )
    await screenshot(page, 'docs-try-it')
    assert.deepEqual(problems, [])
    await page.close()
  })
})
