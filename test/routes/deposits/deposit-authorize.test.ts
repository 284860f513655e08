import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser } from '../../helpers/factories'
import { auditOf, deliverWebhooks, frontend, getPayment, RETURN_URL } from '../../helpers/payments'
import { authenticate } from '../../helpers/stripe-emulator'
import { depositRow, getDeposit, intentsOfDeposit, paidDepositBooking } from '../../helpers/deposits'

const authorize = (rentalId: string, token: string) =>
  api('POST', `/api/rentals/${rentalId}/deposit/authorize`, { token })

describe('a card the bank will not let be held off-session', () => {
  it('waits for the renter, who authorizes the hold on-session; the owner sees it waiting', async () => {
    // The payment passed 3-D Secure on-session; this card asks for it again on every off-session payment.
    const b = await paidDepositBooking({ startInDays: 0, card: 'pm_card_authenticationRequired' })
    const waiting = await getDeposit(b, b.renter.token)
    expect(waiting.body).toMatchObject({
      status: 'action_required',
      failure_code: 'authentication_required',
      hold_expires_at: null,
    })
    const row = await depositRow(b.rentalId)
    expect(waiting.body.client_secret).toMatch(/^pi_\w+_secret_\w+$/)
    expect(waiting.body.payment_method_id).toBe(row!.stripe_payment_method_id)
    // The owner and an admin see that it waits, never the secret.
    const admin = await createUser({ role: 'admin' })
    for (const token of [b.owner.token, admin.token]) {
      const seen = await getDeposit(b, token)
      expect(seen.body.status).toBe('action_required')
      expect(seen.body).not.toHaveProperty('client_secret')
    }
    expectProblem(await authorize(b.rentalId, b.owner.token), 403, 'not_renter')

    const asked = await authorize(b.rentalId, b.renter.token)
    expect(asked.status).toBe(200)
    expect(asked.body).toMatchObject({ status: 'action_required', client_secret: waiting.body.client_secret })
    // Stripe.js confirms with the saved card and the renter passes 3-D Secure.
    const intentId = asked.body.client_secret.split('_secret_')[0]
    const confirmed = await frontend.paymentIntents.confirm(intentId, {
      payment_method: asked.body.payment_method_id,
      return_url: RETURN_URL,
    })
    expect(confirmed.status).toBe('requires_action')
    await authenticate(intentId, 'succeed')
    expect(new Set(await deliverWebhooks())).toEqual(new Set([200]))
    const held = await getDeposit(b, b.renter.token)
    expect(held.body).toMatchObject({ status: 'held', failure_code: null })
    expect(held.body).not.toHaveProperty('client_secret')
    expect(held.body.hold_expires_at).not.toBeNull()
    expect((await intentsOfDeposit(row!.id)).map((intent) => intent.status)).toEqual(['requires_capture'])
    expect((await auditOf(row!.id)).map((r) => `${r.from_status}>${r.to_status}:${r.source}`)).toEqual([
      'null>scheduled:api',
      'scheduled>action_required:api',
      'action_required>held:webhook',
    ])
    expectProblem(await authorize(b.rentalId, b.renter.token), 409, 'deposit_not_authorizable')
  })

  it('authorize reads Stripe first: a hold the renter already confirmed is applied, no secret given', async () => {
    const b = await paidDepositBooking({ startInDays: 0, card: 'pm_card_authenticationRequired' })
    const waiting = await getDeposit(b, b.renter.token)
    const intentId = waiting.body.client_secret.split('_secret_')[0]
    await frontend.paymentIntents.confirm(intentId, {
      payment_method: waiting.body.payment_method_id,
      return_url: RETURN_URL,
    })
    await authenticate(intentId, 'succeed')
    // No webhook delivered yet: the renter's app asks again.
    const answered = await authorize(b.rentalId, b.renter.token)
    expect(answered.status).toBe(200)
    expect(answered.body).toMatchObject({ status: 'held' })
    expect(answered.body).not.toHaveProperty('client_secret')
    // The webhooks that follow change nothing.
    expect(new Set(await deliverWebhooks())).toEqual(new Set([200]))
    const row = await depositRow(b.rentalId)
    expect((await auditOf(row!.id)).filter((r) => r.to_status === 'held')).toHaveLength(1)
  })

  it('a declined hold is authorized with another card: a fresh intent, which saves that card', async () => {
    const b = await paidDepositBooking({ startInDays: 0, card: 'pm_card_authenticationRequired' })
    const waiting = await getDeposit(b, b.renter.token)
    const first = waiting.body.client_secret.split('_secret_')[0]
    // The renter gives up on the first intent (3-D Secure failed): it cannot be used again once canceled.
    await frontend.paymentIntents.cancel(first)
    const asked = await authorize(b.rentalId, b.renter.token)
    const second = asked.body.client_secret.split('_secret_')[0]
    expect(second).not.toBe(first)
    await frontend.paymentIntents.confirm(second, {
      payment_method: 'pm_card_mastercard',
      return_url: RETURN_URL,
    })
    expect((await authorize(b.rentalId, b.renter.token)).body.status).toBe('held')
    const row = await depositRow(b.rentalId)
    const saved = await frontend.paymentMethods.retrieve(row!.stripe_payment_method_id)
    expect(saved).toMatchObject({ customer: row!.stripe_customer_id, card: { brand: 'mastercard' } })
  })
})

describe('the owner refuses the hand-over', () => {
  it('when the deposit is still not held at the start: the rental is cancelled and refunded under its policy', async () => {
    // Flexible: once the rental has started, a renter's own cancellation refunds half.
    const b = await paidDepositBooking({ startInDays: 0, card: 'pm_card_authenticationRequired' })
    expectProblem(
      await api('POST', `/api/rentals/${b.rentalId}/deposit/refuse-handover`, { token: b.renter.token }),
      403,
      'not_owner',
    )
    const refused = await api('POST', `/api/rentals/${b.rentalId}/deposit/refuse-handover`, {
      token: b.owner.token,
    })
    expect(refused.status).toBe(200)
    expect(refused.body.rental).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'deposit_not_held',
      refund_due: b.amount / 2,
    })
    expect(refused.body.deposit).toMatchObject({ status: 'failed', failure_code: 'handover_refused' })
    const payment = await getPayment(b)
    expect(payment.body).toMatchObject({ status: 'partially_refunded', amount_refunded: b.amount / 2 })
    // The intent that waited for the renter is canceled: it can no longer hold their card.
    const row = await depositRow(b.rentalId)
    expect((await intentsOfDeposit(row!.id)).map((intent) => intent.status)).toEqual(['canceled'])
    expectProblem(await authorize(b.rentalId, b.renter.token), 409, 'deposit_not_authorizable')
  })

  it('is refused while the deposit is held, and before the start', async () => {
    const held = await paidDepositBooking({ startInDays: 0 })
    expectProblem(
      await api('POST', `/api/rentals/${held.rentalId}/deposit/refuse-handover`, { token: held.owner.token }),
      409,
      'handover_not_refusable',
    )
    const later = await paidDepositBooking({ startInDays: 2 })
    expect((await getDeposit(later, later.owner.token)).body.status).toBe('scheduled')
    expectProblem(
      await api('POST', `/api/rentals/${later.rentalId}/deposit/refuse-handover`, {
        token: later.owner.token,
      }),
      409,
      'handover_not_refusable',
    )
  })
})
