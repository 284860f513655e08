import { type AccountLinkRecord, ONBOARDING_PREFIX } from '../domain/account-links'
import { completeOnboarding } from '../domain/accounts'
import type { Account } from '../domain/connect-objects'
import type { Store } from '../store/store'

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

function page(status: number, title: string, body: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Stripe emulator</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 2rem auto; padding: 0 1rem; color: #1a1f36; }
  .note { background: #fff8e1; border: 1px solid #f5d46b; padding: .5rem .75rem; border-radius: 6px; font-size: .9rem; }
  label { display: block; margin: .75rem 0; }
  input[type=text], input[type=email] { display: block; width: 100%; padding: .4rem; box-sizing: border-box; }
  fieldset { border: 1px solid #e3e8ee; border-radius: 6px; margin: 1rem 0; }
  button { background: #635bff; color: #fff; border: 0; padding: .6rem 1.2rem; border-radius: 6px; font-size: 1rem; }
  .error { color: #df1b41; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
${body}
</body>
</html>
`
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
}

const redirect = (location: string) => new Response(null, { status: 303, headers: { location } })

function form(account: Account, error?: string): Response {
  const email = account.email ?? 'jenny.rosen@example.com'
  const due = account.requirements?.currently_due ?? []
  return page(
    error ? 400 : 200,
    'Set up payouts',
    `<p class="note">Stripe emulator: local development only. This stands in for Stripe's hosted Express
onboarding of <code>${escape(account.id)}</code>; submitting it meets every requirement
(${due.length} currently due) and activates the requested capabilities.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post">
  <fieldset>
    <legend>Personal details</legend>
    <label>First name <input type="text" name="first_name" value="Jenny" required></label>
    <label>Last name <input type="text" name="last_name" value="Rosen" required></label>
    <label>Email <input type="email" name="email" value="${escape(email)}" required></label>
    <label>Date of birth <input type="text" name="dob" value="1901-01-01"></label>
  </fieldset>
  <fieldset>
    <legend>Bank account for payouts (test numbers)</legend>
    <label>Routing number <input type="text" name="routing_number" value="110000000"></label>
    <label>Account number <input type="text" name="account_number" value="000123456789"></label>
  </fieldset>
  <label><input type="checkbox" name="tos" value="accept" checked> I agree to the Stripe Connected Account
    Agreement</label>
  <button type="submit">Agree and submit</button>
</form>
`,
  )
}

function tokenOf(pathname: string): string {
  try {
    return decodeURIComponent(pathname.slice(ONBOARDING_PREFIX.length))
  } catch {
    return ''
  }
}

/**
 * `GET /_emulator/connect/onboarding/<token>` shows the onboarding form of an account link; `POST` (the form)
 * completes the account (`account.updated` on it) and redirects (303) to the link's return_url. An expired or
 * already used link redirects to its refresh_url, as Stripe's do.
 */
export async function handleOnboarding(root: Store, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url)
  const store = root.forAccount(null)
  const link = store.get<AccountLinkRecord>(tokenOf(pathname), 'account_link_record')
  const account = link && store.get<Account>(link.account, 'account')
  if (!link || !account) {
    return page(
      404,
      'Link not found',
      '<p>This onboarding link is unknown to this emulated Stripe account.</p>',
    )
  }
  if (request.method !== 'GET' && request.method !== 'POST') {
    return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, POST' } })
  }
  if (link.used || store.now() > link.expires_at) {
    if (link.refresh_url) return redirect(link.refresh_url)
    return page(410, 'Link expired', '<p>This onboarding link has expired or was already used.</p>')
  }
  if (request.method === 'GET') return form(account)
  const submitted = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()))
  if (submitted.get('tos') !== 'accept') return form(account, 'Accept the agreement to continue.')
  link.used = true
  store.put(link)
  completeOnboarding({ store, request: { id: null, idempotency_key: null } }, account)
  if (link.return_url) return redirect(link.return_url)
  return page(200, 'Onboarding complete', '<p>You can close this page.</p>')
}
