import Stripe from 'stripe'
import { beforeEach, describe, expect, it } from 'vitest'
import { resetEmulator } from '../helpers/stripe-emulator'
import { paidIntent, stripe } from './client'
import {
  addBalance,
  deliveriesTo,
  expressAccount,
  onboardedAccount,
  runPayouts,
  setCapability,
} from './connect'

beforeEach(async () => {
  await resetEmulator()
})

/** A succeeded 20.00 USD payment: its charge is the source of the owner's transfer. */
async function paidCharge(amount = 2_000, currency = 'usd') {
  const intent = await paidIntent('pm_card_visa', { amount, currency })
  return intent.latest_charge as string
}

describe('POST /v1/transfers', () => {
  it('transfers from a source charge to an onboarded account, typed as Stripe.Transfer', async () => {
    const owner = await onboardedAccount()
    const charge = await paidCharge()
    const transfer: Stripe.Transfer = await stripe.transfers.create({
      amount: 1_800,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
      metadata: { rental_id: 'rnt_1' },
      description: 'Payout for rnt_1',
    })
    const intent = (await stripe.charges.retrieve(charge)).payment_intent as string
    expect(transfer).toMatchObject({
      object: 'transfer',
      amount: 1_800,
      amount_reversed: 0,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
      source_type: 'card',
      reversed: false,
      reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${transfer.id}/reversals` },
      metadata: { rental_id: 'rnt_1' },
      description: 'Payout for rnt_1',
      transfer_group: `group_${intent}`,
      livemode: false,
    })
    expect(transfer.id).toMatch(/^tr_/)
    expect(transfer.destination_payment).toMatch(/^py_/)
    expect(transfer.balance_transaction).toMatch(/^txn_/)
    expect((await stripe.charges.retrieve(charge)).transfer_group).toBe(`group_${intent}`)

    const [event] = (await stripe.events.list({ type: 'transfer.created' })).data
    expect(event).toMatchObject({ data: { object: { id: transfer.id } } })
    expect(event).not.toHaveProperty('account')
    expect((await deliveriesTo('platform')).map((delivery) => delivery.event_type)).toContain(
      'transfer.created',
    )
  })

  it('keeps an explicit transfer_group, and the charge’s own one otherwise', async () => {
    const owner = await onboardedAccount()
    const intent = await paidIntent('pm_card_visa', { transfer_group: 'rental_rnt_2' })
    const charge = intent.latest_charge as string
    const inherited = await stripe.transfers.create({
      amount: 500,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
    })
    expect(inherited.transfer_group).toBe('rental_rnt_2')
    const explicit = await stripe.transfers.create({
      amount: 500,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
      transfer_group: 'other',
    })
    expect(explicit.transfer_group).toBe('other')
  })

  it('refuses a missing, unknown or not onboarded destination', async () => {
    const charge = await paidCharge()
    await expect(
      stripe.transfers.create({ amount: 100, currency: 'usd' } as Stripe.TransferCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'destination' })
    await expect(
      stripe.transfers.create({ amount: 100, currency: 'usd', destination: 'acct_1Unknown0000000' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'destination',
      message: "No such destination: 'acct_1Unknown0000000'",
    })
    const pending = await expressAccount()
    const refused = stripe.transfers.create({
      amount: 100,
      currency: 'usd',
      destination: pending.id,
      source_transaction: charge,
    })
    await expect(refused).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    await expect(
      stripe.transfers.create({
        amount: 100,
        currency: 'usd',
        destination: pending.id,
        source_transaction: charge,
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'insufficient_capabilities_for_transfer',
      message:
        'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
    })
    const owner = await onboardedAccount()
    await setCapability(owner.id, 'transfers', 'inactive')
    await expect(
      stripe.transfers.create({
        amount: 100,
        currency: 'usd',
        destination: owner.id,
        source_transaction: charge,
      }),
    ).rejects.toMatchObject({ code: 'insufficient_capabilities_for_transfer' })
  })

  it('limits transfers from a charge to its amount less refunds and earlier transfers', async () => {
    const owner = await onboardedAccount()
    const charge = await paidCharge(2_000)
    await stripe.refunds.create({ charge, amount: 500 })
    await stripe.transfers.create({
      amount: 1_000,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
    })
    const over = stripe.transfers.create({
      amount: 501,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
    })
    await expect(over).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
      code: 'balance_insufficient',
      message: expect.stringContaining(`Insufficient funds on source_transaction ${charge}`),
    })
    const rest = await stripe.transfers.create({
      amount: 500,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
    })
    expect(rest.amount).toBe(500)
  })

  it('refuses a source charge in another currency, an unknown one and an uncaptured one', async () => {
    const owner = await onboardedAccount()
    const charge = await paidCharge(2_000, 'eur')
    await expect(
      stripe.transfers.create({
        amount: 100,
        currency: 'usd',
        destination: owner.id,
        source_transaction: charge,
      }),
    ).rejects.toMatchObject({
      param: 'currency',
      message:
        "The currency of source_transaction's balance transaction (eur) must be the same as the transfer currency (usd)",
    })
    await expect(
      stripe.transfers.create({
        amount: 100,
        currency: 'usd',
        destination: owner.id,
        source_transaction: 'ch_nope',
      }),
    ).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'source_transaction',
      message: "No such charge: 'ch_nope'",
    })
    const held = await paidIntent('pm_card_visa', { capture_method: 'manual' })
    await expect(
      stripe.transfers.create({
        amount: 100,
        currency: 'usd',
        destination: owner.id,
        source_transaction: held.latest_charge as string,
      }),
    ).rejects.toMatchObject({ param: 'source_transaction' })
  })

  it('without source_transaction takes the platform’s available balance, or answers balance_insufficient', async () => {
    const owner = await onboardedAccount()
    const params = { amount: 3_000, currency: 'usd', destination: owner.id }
    await expect(stripe.transfers.create(params)).rejects.toMatchObject({
      statusCode: 400,
      code: 'balance_insufficient',
      message: expect.stringContaining('You have insufficient funds in your Stripe account'),
    })
    await paidCharge(2_000)
    await expect(stripe.transfers.create(params)).rejects.toMatchObject({ code: 'balance_insufficient' })
    await addBalance(1_000)
    expect((await stripe.transfers.create(params)).amount).toBe(3_000)
    expect((await stripe.balance.retrieve()).available).toEqual([
      { amount: 0, currency: 'usd', source_types: { card: 0 } },
    ])
  })

  it('refuses unknown parameters and a non-positive amount', async () => {
    const owner = await onboardedAccount()
    await expect(
      stripe.transfers.create({
        amount: 100,
        currency: 'usd',
        destination: owner.id,
        application_fee: 1,
      } as never),
    ).rejects.toMatchObject({ message: 'Received unknown parameter: application_fee' })
    await expect(
      stripe.transfers.create({ amount: 0, currency: 'usd', destination: owner.id }),
    ).rejects.toMatchObject({ param: 'amount' })
  })
})

describe('/v1/transfers: retrieve, list, update', () => {
  it('retrieves, lists with destination and transfer_group filters and pages, updates metadata and description', async () => {
    const [a, b] = [await onboardedAccount(), await onboardedAccount()]
    await addBalance(10_000)
    const one = await stripe.transfers.create({
      amount: 100,
      currency: 'usd',
      destination: a.id,
      transfer_group: 'g1',
    })
    const two = await stripe.transfers.create({
      amount: 200,
      currency: 'usd',
      destination: b.id,
      transfer_group: 'g1',
    })
    const three = await stripe.transfers.create({ amount: 300, currency: 'usd', destination: a.id })
    expect(await stripe.transfers.retrieve(two.id)).toEqual(two)
    await expect(stripe.transfers.retrieve('tr_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such transfer: 'tr_nope'",
    })
    const ids = async (params: Stripe.TransferListParams) =>
      (await stripe.transfers.list(params)).data.map((transfer) => transfer.id)
    expect(await ids({})).toEqual([three.id, two.id, one.id])
    expect(await ids({ destination: a.id })).toEqual([three.id, one.id])
    expect(await ids({ transfer_group: 'g1' })).toEqual([two.id, one.id])
    expect(await ids({ limit: 1, starting_after: three.id })).toEqual([two.id])
    expect((await stripe.transfers.list({ limit: 2 })).has_more).toBe(true)

    const updated = await stripe.transfers.update(one.id, {
      metadata: { rental_id: 'rnt_9' },
      description: 'Owner share',
    })
    expect(updated).toMatchObject({ metadata: { rental_id: 'rnt_9' }, description: 'Owner share' })
    const [event] = (await stripe.events.list({ type: 'transfer.updated' })).data
    expect(event).toMatchObject({
      data: { object: { id: one.id }, previous_attributes: { metadata: {}, description: null } },
    })
    await expect(stripe.transfers.update(one.id, { amount: 5 } as never)).rejects.toMatchObject({
      param: 'amount',
    })
    const expanded = await stripe.transfers.retrieve(one.id, { expand: ['destination'] })
    expect(expanded.destination).toMatchObject({ object: 'account', id: a.id })
  })
})

describe('/v1/transfers/:id/reversals', () => {
  it('reverses part, then the rest; each time transfer.reversed, and the transfer keeps count', async () => {
    const owner = await onboardedAccount()
    const charge = await paidCharge()
    const transfer = await stripe.transfers.create({
      amount: 1_800,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
    })
    const partial: Stripe.TransferReversal = await stripe.transfers.createReversal(transfer.id, {
      amount: 800,
      metadata: { refund_id: 're_1' },
    })
    expect(partial).toMatchObject({
      object: 'transfer_reversal',
      amount: 800,
      currency: 'usd',
      transfer: transfer.id,
      metadata: { refund_id: 're_1' },
      source_refund: null,
    })
    expect(partial.id).toMatch(/^trr_/)
    expect(partial.destination_payment_refund).toMatch(/^pyr_/)
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({
      amount_reversed: 800,
      reversed: false,
    })
    await expect(stripe.transfers.createReversal(transfer.id, { amount: 1_001 })).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
    })
    const rest = await stripe.transfers.createReversal(transfer.id)
    expect(rest.amount).toBe(1_000)
    const reversed = await stripe.transfers.retrieve(transfer.id)
    expect(reversed).toMatchObject({ amount_reversed: 1_800, reversed: true })
    expect(reversed.reversals.data.map((reversal) => reversal.id)).toEqual([rest.id, partial.id])
    await expect(stripe.transfers.createReversal(transfer.id)).rejects.toMatchObject({ statusCode: 400 })

    const events = (await stripe.events.list({ type: 'transfer.reversed' })).data
    expect(events.map((event) => (event.data.object as Stripe.Transfer).amount_reversed)).toEqual([
      1_800, 800,
    ])
    expect(events[1]!.data.previous_attributes).toEqual({ amount_reversed: 0, reversed: false })

    const listed = await stripe.transfers.listReversals(transfer.id)
    expect(listed.data.map((reversal) => reversal.id)).toEqual([rest.id, partial.id])
    expect(await stripe.transfers.retrieveReversal(transfer.id, partial.id)).toEqual(partial)
    await expect(stripe.transfers.retrieveReversal(transfer.id, 'trr_nope')).rejects.toMatchObject({
      statusCode: 404,
    })
    const relabelled = await stripe.transfers.updateReversal(transfer.id, partial.id, {
      metadata: { note: 'x' },
    })
    expect(relabelled.metadata).toEqual({ refund_id: 're_1', note: 'x' })
    // The charge's funds came back to the platform: they can be transferred again.
    expect(
      (
        await stripe.transfers.create({
          amount: 2_000,
          currency: 'usd',
          destination: owner.id,
          source_transaction: charge,
        })
      ).amount,
    ).toBe(2_000)
  })

  it('cannot take back what the destination has already paid out', async () => {
    const owner = await onboardedAccount()
    const charge = await paidCharge()
    const transfer = await stripe.transfers.create({
      amount: 1_500,
      currency: 'usd',
      destination: owner.id,
      source_transaction: charge,
    })
    await runPayouts(owner.id)
    await expect(stripe.transfers.createReversal(transfer.id, { amount: 100 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'balance_insufficient',
    })
  })
})
