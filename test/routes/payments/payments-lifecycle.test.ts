import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api } from '../../helpers/api'
import { createUser, dateFromToday } from '../../helpers/factories'
import { confirm, deliverWebhooks, frontend, RETURN_URL } from '../../helpers/payments'
import { useSettings } from '../../helpers/stripe-emulator'

// Owners here have no payout account and the tests are not about payouts (test/routes/payouts/ is).
useSettings({ OWNER_PAYOUTS: 'off' })

// The original Flask system's ten-step test, end to end through the API and the Stripe emulator.
describe('the payment lifecycle, end to end', () => {
  it('books, pays, activates, refunds, and never stores card data', async () => {
    // 1. owner and renter
    const owner = await createUser()
    const renter = await createUser()
    // 2. instrument and listing (through the API)
    const instrument = await api('POST', '/api/instruments', {
      token: owner.token,
      body: { name: 'Gibson Les Paul', category: 'guitar', brand: 'Gibson', model: 'Standard' },
    })
    expect(instrument.status).toBe(201)
    const listing = await api('POST', '/api/listings', {
      token: owner.token,
      body: {
        instrument_id: instrument.body.id,
        title: 'Les Paul for the weekend',
        daily_rate: 5_000,
        currency: 'usd',
      },
    })
    expect(listing.status).toBe(201)
    // 3. rental: 3 days at $50.00 = $150.00, computed by the server
    const rental = await api('POST', '/api/rentals', {
      token: renter.token,
      body: { listing_id: listing.body.id, start_date: dateFromToday(10), end_date: dateFromToday(13) },
    })
    expect(rental.status).toBe(201)
    expect(rental.body).toMatchObject({ amount: 15_000, currency: 'usd', status: 'pending', days: 3 })
    // 4. initiate
    const initiated = await api('POST', `/api/payments/${rental.body.id}/initiate`, { token: renter.token })
    expect(initiated.status).toBe(200)
    expect(initiated.body).toMatchObject({
      amount: 15_000,
      currency: 'usd',
      status: 'pending',
      stripe_public_key: 'pk_test_emulator',
    })
    expect(initiated.body.client_secret).toMatch(/^pi_\w+_secret_\w+$/)
    // 5. the payment is stored, pending, with the fee split
    const stored = await api('GET', `/api/payments/${rental.body.id}`, { token: renter.token })
    expect(stored.body).toMatchObject({
      id: initiated.body.payment_id,
      status: 'pending',
      amount: 15_000,
      platform_fee: 1_500,
      owner_payout_amount: 13_500,
      stripe_payment_intent_id: initiated.body.payment_intent_id,
    })
    // 6. the card is confirmed in the browser, then the API confirms with Stripe
    await frontend.paymentIntents.confirm(initiated.body.payment_intent_id, {
      payment_method: 'pm_card_visa',
      return_url: RETURN_URL,
    })
    const confirmed = await confirm(
      { rentalId: rental.body.id, renter } as never,
      initiated.body.payment_intent_id,
    )
    expect(confirmed.status).toBe(200)
    expect(confirmed.body).toMatchObject({ status: 'completed', amount_refunded: 0 })
    expect(confirmed.body.stripe_charge_id).toMatch(/^ch_/)
    expect(confirmed.body.completed_at).toBeTruthy()
    // 7. the rental is active and the listing is locked for those dates
    expect((await api('GET', `/api/rentals/${rental.body.id}`, { token: renter.token })).body.status).toBe(
      'active',
    )
    const availability = await api(
      'GET',
      `/api/listings/${listing.body.id}/availability?from=${dateFromToday(10)}&to=${dateFromToday(13)}`,
    )
    expect(availability.body.available).toBe(false)
    const clash = await api('POST', '/api/rentals', {
      token: (await createUser()).token,
      body: { listing_id: listing.body.id, start_date: dateFromToday(11), end_date: dateFromToday(12) },
    })
    expect(clash.status).toBe(409)
    expect(await deliverWebhooks()).not.toContain(500)
    // 8. the owner refunds it in full: the rental is cancelled and the dates are free again
    const refund = await api('POST', `/api/payments/${initiated.body.payment_id}/refund`, {
      token: owner.token,
      body: { reason: 'requested_by_customer' },
    })
    expect(refund.status).toBe(200)
    expect(refund.body.payment).toMatchObject({ status: 'refunded', amount_refunded: 15_000 })
    expect(refund.body.refund).toMatchObject({ amount: 15_000, status: 'succeeded' })
    expect((await api('GET', `/api/rentals/${rental.body.id}`, { token: renter.token })).body.status).toBe(
      'cancelled',
    )
    const freed = await api(
      'GET',
      `/api/listings/${listing.body.id}/availability?from=${dateFromToday(10)}&to=${dateFromToday(13)}`,
    )
    expect(freed.body.available).toBe(true)
    // 9. no card data anywhere: the payment row holds Stripe references only
    const row = await env.DB.prepare('SELECT * FROM payments WHERE id = ?')
      .bind(initiated.body.payment_id)
      .first()
    expect(Object.keys(row!).filter((column) => /card|cvc|cvv|expir|holder/i.test(column))).toEqual([])
    expect(JSON.stringify(row)).not.toMatch(/4242|pm_card/)
    // 10. relationships intact: the payment points at its rental, renter and owner, and both parties see it
    expect(refund.body.payment).toMatchObject({
      rental_id: rental.body.id,
      renter_id: renter.id,
      owner_id: owner.id,
    })
    const asOwner = await api('GET', '/api/payments?role=owner', { token: owner.token })
    const asRenter = await api('GET', '/api/payments?role=renter', { token: renter.token })
    expect(asOwner.body.data.map((p: { id: string }) => p.id)).toEqual([initiated.body.payment_id])
    expect(asRenter.body.data.map((p: { id: string }) => p.id)).toEqual([initiated.body.payment_id])
    expect(await deliverWebhooks()).not.toContain(500)
  })
})
