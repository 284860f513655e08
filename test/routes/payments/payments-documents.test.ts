import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser } from '../../helpers/factories'
import { booking, confirm, deliverAbout, initiateAndPay, paidBooking, paidWith } from '../../helpers/payments'

const asJson = { accept: 'application/json' }

describe('GET /api/payments/{id}/receipt', () => {
  it('gives a printable HTML receipt with no external assets, and the same as JSON', async () => {
    const b = await paidBooking({ dailyRate: 2_500, days: 3 })
    const json = await api('GET', `/api/payments/${b.paymentId}/receipt`, {
      token: b.renter.token,
      headers: asJson,
    })
    expect(json.status).toBe(200)
    expect(json.body).toMatchObject({
      kind: 'receipt',
      payment_id: b.paymentId,
      total: 7_500,
      platform_fee: 750,
      owner_payout_amount: 6_750,
      line: { daily_rate: 2_500, days: 3, amount: 7_500, text: '3 × $25.00 = $75.00' },
      formatted: { total: '$75.00', platform_fee: '$7.50' },
    })
    expect(json.body.number).toMatch(/^R-\d{6}$/)
    const page = await api('GET', `/api/payments/${b.rentalId}/receipt`, { token: b.owner.token })
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.body).toContain(json.body.number)
    expect(page.body).toContain('$75.00')
    expect(page.body).not.toMatch(/<script|<link|src=|https?:\/\//)
  })

  it('writes money for its currency and a chosen locale (zero-decimal yen, euros in German)', async () => {
    const yen = await paidBooking({ currency: 'jpy', dailyRate: 1_005, days: 1 })
    const receipt = await api('GET', `/api/payments/${yen.paymentId}/receipt`, {
      token: yen.renter.token,
      headers: asJson,
    })
    expect(receipt.body.formatted.total).toBe('¥1,005')
    const euro = await paidBooking({ currency: 'eur', dailyRate: 1_250, days: 2 })
    const german = await api('GET', `/api/payments/${euro.paymentId}/receipt?locale=de-DE`, {
      token: euro.renter.token,
      headers: asJson,
    })
    expect(german.body.formatted.total).toMatch(/^25,00\s€$/)
    expectProblem(
      await api('GET', `/api/payments/${euro.paymentId}/receipt?locale=not_a_locale!`, {
        token: euro.renter.token,
      }),
      400,
      'validation_failed',
    )
  })

  it('numbers receipts from one gapless sequence, even when payments complete at once', async () => {
    const bookings = await Promise.all(Array.from({ length: 6 }, () => booking()))
    const paid = await Promise.all(bookings.map(async (b) => ({ b, ...(await initiateAndPay(b)) })))
    const answers = await Promise.all(paid.map(({ b, intentId }) => confirm(b, intentId)))
    expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200))
    const numbers = await env.DB.prepare(
      `SELECT number FROM documents WHERE kind = 'receipt' ORDER BY number`,
    ).all<{
      number: number
    }>()
    const all = numbers.results.map((row) => row.number)
    expect(all).toEqual(all.map((_, index) => index + 1))
    for (const { b } of paid) {
      const receipt = await api('GET', `/api/payments/${b.rentalId}/receipt`, {
        token: b.renter.token,
        headers: asJson,
      })
      expect(receipt.status).toBe(200)
    }
  })

  it('has none before the payment completes (404), and is the renter, owner and admins only', async () => {
    const b = await booking()
    await initiateAndPay(b, 'pm_card_chargeDeclined')
    expectProblem(
      await api('GET', `/api/payments/${b.rentalId}/receipt`, { token: b.renter.token }),
      404,
      'receipt_not_found',
    )
    const p = await paidBooking()
    expectProblem(
      await api('GET', `/api/payments/${p.paymentId}/receipt`, { token: (await createUser()).token }),
      404,
      'payment_not_found',
    )
    const admin = await createUser({ role: 'admin' })
    expect((await api('GET', `/api/payments/${p.paymentId}/receipt`, { token: admin.token })).status).toBe(
      200,
    )
  })
})

describe('GET /api/refunds/{id}/credit-note', () => {
  it('numbers each succeeded refund from its own gapless sequence, referring to the receipt', async () => {
    const b = await paidBooking()
    const refund = async (amount: number) =>
      (await api('POST', `/api/payments/${b.paymentId}/refund`, { token: b.owner.token, body: { amount } }))
        .body.refund
    const [first, second] = [await refund(1_000), await refund(500)]
    const note = async (id: string) =>
      (await api('GET', `/api/refunds/${id}/credit-note`, { token: b.renter.token, headers: asJson })).body
    const [one, two] = [await note(first.id), await note(second.id)]
    expect(one).toMatchObject({
      kind: 'credit_note',
      refund_id: first.id,
      amount: 1_000,
      formatted: { amount: '$10.00' },
    })
    expect(one.receipt_number).toMatch(/^R-\d{6}$/)
    expect(Number(two.number.slice(2))).toBe(Number(one.number.slice(2)) + 1)
    const page = await api('GET', `/api/refunds/${first.id}/credit-note`, { token: b.owner.token })
    expect(page.body).toContain(one.number)
  })

  it('a refund that fails after it succeeded keeps its credit note, reversed by a document of its own sequence', async () => {
    const note = async (id: string) =>
      (await api('GET', `/api/refunds/${id}/credit-note`, { token: b.renter.token, headers: asJson })).body
    const failedRefund = async () => {
      const made = await api('POST', `/api/payments/${b.paymentId}/refund`, {
        token: b.owner.token,
        body: { amount: 700 },
      })
      expect(made.body.refund.status).toBe('succeeded')
      return made.body.refund
    }
    // pm_card_refundFail: Stripe answers succeeded, then the refund fails (refund.updated).
    const b = await paidWith('pm_card_refundFail')
    const refund = await failedRefund()
    const issued = await note(refund.id)
    expect(issued).toMatchObject({ refund_status: 'succeeded', reversed_by: null })
    expect(await deliverAbout(refund.stripe_refund_id, 'refund.updated')).toEqual(['refund.updated:applied'])
    const reversed = await note(refund.id)
    expect(reversed).toMatchObject({
      number: issued.number,
      issued_at: issued.issued_at,
      refund_status: 'failed',
    })
    expect(reversed.reversed_by.number).toMatch(/^CR-\d{6}$/)
    // Its other webhooks (refund.failed, charge.refund.updated) reverse nothing twice.
    await deliverAbout(b.intentId)
    expect(await note(refund.id)).toEqual(reversed)
    const page = await api('GET', `/api/refunds/${refund.id}/credit-note`, { token: b.owner.token })
    expect(page.body).toContain(`Reversed by ${reversed.reversed_by.number}`)
    // The next reversal takes the next number in its sequence.
    const next = await failedRefund()
    await deliverAbout(next.stripe_refund_id, 'refund.updated')
    expect(Number((await note(next.id)).reversed_by.number.slice(3))).toBe(
      Number(reversed.reversed_by.number.slice(3)) + 1,
    )
  })

  it('404 refund_not_found for an unknown refund and for a stranger alike (its existence is not revealed)', async () => {
    const b = await paidBooking()
    const made = await api('POST', `/api/payments/${b.paymentId}/refund`, {
      token: b.owner.token,
      body: { amount: 100 },
    })
    expectProblem(
      await api('GET', `/api/refunds/${made.body.refund.id}/credit-note`, {
        token: (await createUser()).token,
      }),
      404,
      'refund_not_found',
    )
    expectProblem(
      await api('GET', '/api/refunds/ref_doesnotexist/credit-note', { token: b.renter.token }),
      404,
      'refund_not_found',
    )
  })
})
