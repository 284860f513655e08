import { html } from 'hono/html'
import type { creditNoteOf, receiptOf } from '../../use-cases/payments/documents'

type Receipt = Awaited<ReturnType<typeof receiptOf>>
type CreditNote = Awaited<ReturnType<typeof creditNoteOf>>

// Printable, self-contained: inline styles only, no external font, script or image (hono/html escapes values).
const page = (title: string, body: ReturnType<typeof html>) =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
        <style>
          body {
            font:
              14px/1.5 system-ui,
              sans-serif;
            max-width: 40rem;
            margin: 2rem auto;
            color: #111;
          }
          h1 {
            font-size: 1.4rem;
          }
          table {
            width: 100%;
            border-collapse: collapse;
          }
          td {
            padding: 0.35rem 0;
            border-bottom: 1px solid #ddd;
          }
          td.n {
            text-align: right;
          }
          .total td {
            font-weight: 700;
            border-bottom: 2px solid #111;
          }
          @media print {
            body {
              margin: 0;
            }
          }
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`

export const receiptHtml = (receipt: Receipt) =>
  page(
    `Receipt ${receipt.number}`,
    html`<h1>Receipt ${receipt.number}</h1>
      <p>Issued ${receipt.issued_at} · payment ${receipt.payment_id} · rental ${receipt.rental_id}</p>
      <table>
        <tr>
          <td>${receipt.line.description}</td>
          <td class="n">${receipt.line.text}</td>
        </tr>
        <tr class="total">
          <td>Total paid</td>
          <td class="n">${receipt.formatted.total}</td>
        </tr>
        <tr>
          <td>of which platform fee</td>
          <td class="n">${receipt.formatted.platform_fee}</td>
        </tr>
        <tr>
          <td>of which to the owner</td>
          <td class="n">${receipt.formatted.owner_payout_amount}</td>
        </tr>
        <tr>
          <td>Deposit (${depositNote(receipt)})</td>
          <td class="n">${receipt.formatted.deposit_amount}</td>
        </tr>
        ${
          receipt.deposit_captured_amount > 0
            ? html`<tr>
                <td>of which taken for a damage claim</td>
                <td class="n">${receipt.formatted.deposit_captured_amount}</td>
              </tr>`
            : ''
        }
        <tr>
          <td>Refunded so far</td>
          <td class="n">${receipt.formatted.amount_refunded}</td>
        </tr>
      </table>`,
  )

/** What became of the deposit, in a few words: it is held on the card, never part of what was paid. */
const depositNote = (receipt: Receipt) =>
  ({
    not_required: 'none',
    scheduled: 'to be held on the card before the start, not charged',
    held: 'held on the card, not charged',
    action_required: 'waiting for the renter to authorize it, not charged',
    released: 'released, not charged',
    lapsed: 'no longer held, not charged',
    failed: 'not held, not charged',
    captured: 'captured for a damage claim',
    partially_captured: 'partly captured for a damage claim, the rest released',
  })[receipt.deposit_status]

export const creditNoteHtml = (note: CreditNote) =>
  page(
    `Credit note ${note.number}`,
    html`<h1>Credit note ${note.number}</h1>
      <p>Issued ${note.issued_at} · refund ${note.refund_id} · receipt ${note.receipt_number ?? '—'}</p>
      <table>
        <tr class="total">
          <td>Refunded</td>
          <td class="n">${note.formatted.amount}</td>
        </tr>
        <tr>
          <td>Refund status</td>
          <td class="n">${note.refund_status}</td>
        </tr>
      </table>
      ${
        note.reversed_by
          ? html`<p class="reversed">
              Reversed by ${note.reversed_by.number}, issued ${note.reversed_by.issued_at}: the refund failed
              after it succeeded, and the amount was not refunded.
            </p>`
          : ''
      }`,
  )
