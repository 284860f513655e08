import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { formatMoney } from '../../domain/money'
import { daysBetween } from '../../lib/time'
import type { AuthUser } from '../../env'
import type { adminAttention, adminStats } from '../../use-cases/admin-stats'
import type { ownerStats } from '../../use-cases/owner-stats'
import { columnChart, shareChart, type Bar } from './charts'

type Html = HtmlEscapedString | Promise<HtmlEscapedString>
type OwnerFigures = Awaited<ReturnType<typeof ownerStats>>
type AdminFigures = Awaited<ReturnType<typeof adminStats>>
type Attention = Awaited<ReturnType<typeof adminAttention>>

export interface DateWindow {
  from: string
  to: string
}

const styles = `
body { font: 14px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; color: #111; }
header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
h1 { font-size: 1.4rem; margin: 0; } h2 { font-size: 1.15rem; margin-top: 2rem; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
form.inline { display: inline-flex; gap: .5rem; align-items: end; flex-wrap: wrap; }
label { display: flex; flex-direction: column; font-size: .85rem; }
input { font: inherit; padding: .3rem .4rem; }
button { font: inherit; padding: .35rem .8rem; cursor: pointer; }
.error { color: #a11; background: #fdecec; padding: .5rem .75rem; border-radius: 4px; }
.muted { color: #666; }
.signin { max-width: 22rem; margin: 4rem auto; display: flex; flex-direction: column; gap: .75rem; }
svg text { fill: #222; }
`

/** The page shell: one inline stylesheet allowed by the response's CSP nonce, no script, no external asset. */
function layout(nonce: string, title: string, body: Html) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style nonce="${nonce}">
          ${raw(styles)}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`
}

export function signInPage(nonce: string, problem?: string, email = '') {
  return layout(
    nonce,
    'Sign in · Backline dashboard',
    html`<form class="signin" method="post" action="/dashboard/sign-in">
      <h1>Backline dashboard</h1>
      <p class="muted">Owners see their bookings and earnings; admins see the platform's figures.</p>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
      <label
        >Email <input name="email" type="email" autocomplete="username" required value="${email}"
      /></label>
      <label
        >Password <input name="password" type="password" autocomplete="current-password" required
      /></label>
      <button type="submit">Sign in</button>
    </form>`,
  )
}

/** The months a window covers ("2026-06", …), so months without figures still show as empty bars. */
export function monthsOf({ from, to }: DateWindow): string[] {
  const months: string[] = []
  const cursor = new Date(`${from.slice(0, 7)}-01T00:00:00Z`)
  while (months.length === 0 || cursor.toISOString().slice(0, 10) < to) {
    months.push(cursor.toISOString().slice(0, 7))
    cursor.setUTCMonth(cursor.getUTCMonth() + 1)
  }
  return months
}

const monthLabel = (month: string) =>
  new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  )

const percent = (share: number) => `${(share * 100).toFixed(1)}%`
const currenciesOf = (rows: { currency: string }[]) => [...new Set(rows.map((row) => row.currency))].sort()

/** One bar per month of the window, for one currency's figure (zero where the month has no row). */
function monthlyBars<Row extends { month: string; currency: string }>(
  window: DateWindow,
  rows: Row[],
  currency: string,
  figure: (row: Row) => number,
): Bar[] {
  return monthsOf(window).map((month) => {
    const row = rows.find((candidate) => candidate.month === month && candidate.currency === currency)
    const value = row ? figure(row) : 0
    return { key: month, label: monthLabel(month), value, display: formatMoney(value, currency) }
  })
}

function header(user: AuthUser, window: DateWindow, view: string) {
  return html`<header>
      <h1>Backline dashboard <small class="muted">${view}</small></h1>
      <form method="post" action="/dashboard/sign-out">
        <span class="muted">${user.email}</span> <button type="submit">Sign out</button>
      </form>
    </header>
    <form class="inline" method="get" action="/dashboard">
      <label>From <input name="from" type="date" value="${window.from}" required /></label>
      <label>To (exclusive) <input name="to" type="date" value="${window.to}" required /></label>
      <button type="submit">Show</button>
    </form>`
}

export function problemPage(nonce: string, user: AuthUser, window: DateWindow, problem: string) {
  return layout(
    nonce,
    'Backline dashboard',
    html`${header(user, window, '')}
      <p class="error" role="alert">${problem}</p>`,
  )
}

export function ownerDashboard(nonce: string, user: AuthUser, window: DateWindow, figures: OwnerFigures) {
  const months = figures.months
  const bookings = monthsOf(window).map((month) => {
    const value = months.filter((row) => row.month === month).reduce((sum, row) => sum + row.bookings, 0)
    return { key: month, label: monthLabel(month), value, display: String(value) }
  })
  return layout(
    nonce,
    'Backline dashboard',
    html`${header(user, window, 'owner')}
      <p class="muted">
        Paid bookings by the month they were booked in, ${window.from} to ${window.to} (exclusive).
      </p>
      ${months.length === 0 ? html`<p>No paid bookings in this window.</p>` : ''}
      ${currenciesOf(months).map((currency) => {
        const rows = months.filter((row) => row.currency === currency)
        const money = (amount: number) => formatMoney(amount, currency)
        return html`<h2>${currency.toUpperCase()}</h2>
          ${columnChart(
            `revenue-${currency}`,
            `Revenue by month (${currency.toUpperCase()})`,
            monthlyBars(window, months, currency, (row) => row.revenue),
          )}
          ${columnChart(
            `net-${currency}`,
            `Net after fees and refunds (${currency.toUpperCase()})`,
            monthlyBars(window, months, currency, (row) => row.net),
          )}
          <table data-table="owner-${currency}">
            <tr>
              <th>Month</th>
              <th class="n">Bookings</th>
              <th class="n">Nights</th>
              <th class="n">Revenue</th>
              <th class="n">Platform fees</th>
              <th class="n">Refunds</th>
              <th class="n">Net</th>
            </tr>
            ${rows.map(
              (row) =>
                html`<tr>
                  <td>${monthLabel(row.month)}</td>
                  <td class="n">${row.bookings}</td>
                  <td class="n">${row.nights}</td>
                  <td class="n">${money(row.revenue)}</td>
                  <td class="n">${money(row.platform_fees)}</td>
                  <td class="n">${money(row.refunds)}</td>
                  <td class="n">${money(row.net)}</td>
                </tr>`,
            )}
          </table>`
      })}
      <h2>Bookings and occupancy</h2>
      ${columnChart('bookings', 'Paid bookings by month', bookings)}
      ${
        figures.listings.length === 0
          ? html`<p>No listings yet.</p>`
          : shareChart(
              'occupancy',
              `Occupancy by listing (nights booked of ${daysBetween(window.from, window.to)})`,
              figures.listings.map((listing) => ({
                key: listing.listing_id,
                label: listing.title,
                value: listing.occupancy,
                display: `${percent(listing.occupancy)} · ${listing.nights_booked} nights`,
              })),
            )
      }`,
  )
}

const attentionLists: { key: Exclude<keyof Attention, 'webhook_lag_last_hour'>; title: string }[] = [
  { key: 'stuck_payments', title: 'Payments stuck pending' },
  { key: 'refund_failed_payments', title: 'Payments whose refund kept failing' },
  { key: 'failed_refunds_last_7_days', title: 'Refunds failed in the last 7 days' },
  { key: 'events_not_applied', title: 'Stripe events not applied' },
  { key: 'failed_payouts', title: 'Owner payouts that failed' },
  { key: 'claims_collection_failed', title: 'Damage claims whose collection failed' },
]

const lagText = (lag: Attention['webhook_lag_last_hour']) =>
  lag.events === 0 ? '—' : `average ${lag.average_seconds} s, at most ${lag.max_seconds} s`

export function adminDashboard(
  nonce: string,
  user: AuthUser,
  window: DateWindow,
  figures: AdminFigures,
  attention: Attention,
) {
  const months = figures.months
  return layout(
    nonce,
    'Backline dashboard',
    html`${header(user, window, 'admin')}
      <h2>Needs attention</h2>
      <table data-table="attention">
        ${attentionLists.map(
          ({ key, title }) =>
            html`<tr data-key="${key}">
              <td>${title}</td>
              <td class="n">${attention[key].length}</td>
            </tr>`,
        )}
        <tr data-key="webhook_lag_last_hour">
          <td>Webhook lag, last hour (${attention.webhook_lag_last_hour.events} events applied)</td>
          <td class="n">${lagText(attention.webhook_lag_last_hour)}</td>
        </tr>
      </table>
      <p class="muted">
        Payments by the month they were made in, ${window.from} to ${window.to} (exclusive).
      </p>
      ${months.length === 0 ? html`<p>No payments in this window.</p>` : ''}
      ${currenciesOf(months).map((currency) => {
        const rows = months.filter((row) => row.currency === currency)
        const money = (amount: number) => formatMoney(amount, currency)
        return html`<h2>${currency.toUpperCase()}</h2>
          ${columnChart(
            `gross-${currency}`,
            `Gross volume by month (${currency.toUpperCase()})`,
            monthlyBars(window, months, currency, (row) => row.gross_volume),
          )}
          ${columnChart(
            `fees-${currency}`,
            `Platform fees by month (${currency.toUpperCase()})`,
            monthlyBars(window, months, currency, (row) => row.platform_fees),
          )}
          <table data-table="admin-${currency}">
            <tr>
              <th>Month</th>
              <th class="n">Payments</th>
              <th class="n">Paid</th>
              <th class="n">Gross volume</th>
              <th class="n">Platform fees</th>
              <th class="n">Refund rate</th>
              <th class="n">Dispute rate</th>
              <th class="n">Failure rate</th>
            </tr>
            ${rows.map(
              (row) =>
                html`<tr>
                  <td>${monthLabel(row.month)}</td>
                  <td class="n">${row.payments}</td>
                  <td class="n">${row.paid}</td>
                  <td class="n">${money(row.gross_volume)}</td>
                  <td class="n">${money(row.platform_fees)}</td>
                  <td class="n">${percent(row.refund_rate)}</td>
                  <td class="n">${percent(row.dispute_rate)}</td>
                  <td class="n">${percent(row.payment_failure_rate)}</td>
                </tr>`,
            )}
          </table>`
      })}`,
  )
}
