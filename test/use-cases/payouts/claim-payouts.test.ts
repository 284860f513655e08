import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import type { Payout } from '../../../src/adapters/d1/schema'
import { attemptOfIntent, refreshDepositIntent } from '../../../src/use-cases/deposits/deposit-intents'
import { releasePayout } from '../../../src/use-cases/payouts/payout-transfers'
import { completeOnboarding, disableAccount } from '../../emulator/connect'
import { api } from '../../helpers/api'
import { reconcileAt } from '../../helpers/cron'
import { createUser, dateFromToday, db, services } from '../../helpers/factories'
import { deliverAbout, deliverWebhooks, frontend } from '../../helpers/payments'
import {
  answerClaim,
  captureBefore,
  cronNow,
  depositRow,
  fileClaim,
  getDeposit,
  intentsOfDeposit,
  paidDepositBooking,
  returnedWithDeposit as returnedDeposit,
  travelTo,
  type DepositBooking,
} from '../../helpers/deposits'
import {
  accountBalance,
  deliverConnect,
  onboardedOwner,
  payoutMoves,
  transfersOfRental,
  whileStripeFails,
} from '../../helpers/payouts'
import { closeDispute, disputeCharge, useSettings } from '../../helpers/stripe-emulator'

/*
 * A captured damage claim's owner share is paid to the owner (docs/DEPOSITS.md, docs/PAYOUTS.md): a payout of
 * kind damage_claim, scheduled in the batch that captures the claim, due at once, released by the cron as a
 * Transfer from the claim's own charge.
 */

const fileFor = (b: DepositBooking, amount: number) =>
  fileClaim(b, { amount, description: 'Crack in the neck heel; luthier quote attached' })
const accept = (b: DepositBooking, claimId: string) => answerClaim(claimId, 'accept', b.renter.token)

/** The payout of a claim, as stored (undefined: none). */
const claimPayoutOf = (claimId: string) =>
  db.query.payouts.findFirst({ where: (table, { eq }) => eq(table.claimId, claimId) }) as Promise<
    Payout | undefined
  >

/** A started rental of an onboarded owner's, its deposit held, the instrument returned. */
const returnedWithDeposit = async (options: Parameters<typeof paidDepositBooking>[0] = {}) =>
  (await returnedDeposit({ owner: await onboardedOwner(), ...options })) as DepositBooking & {
    owner: DepositBooking['owner'] & { accountId: string }
  }

/** A claim filed under DEPOSIT_CLAIM_FEE_PERCENT = `percent` and accepted by the renter: captured from the hold. */
async function capturedClaim(b: DepositBooking, amount: number, percent = '0') {
  useSettings({ DEPOSIT_CLAIM_FEE_PERCENT: percent })
  const filed = await fileFor(b, amount).finally(() => useSettings({ DEPOSIT_CLAIM_FEE_PERCENT: '0' }))
  expect(filed.status).toBe(201)
  const accepted = await accept(b, filed.body.id)
  expect(accepted.body.status).toBe('captured')
  return accepted.body
}

/** The charge of the deposit's hold (its first intent). */
async function holdCharge(b: DepositBooking) {
  const [hold] = await intentsOfDeposit((await depositRow(b.rentalId))!.id)
  return (await frontend.paymentIntents.retrieve(hold!.id)).latest_charge as string
}

const transfersOfPayout = async (rentalId: string, payoutId: string) =>
  (await transfersOfRental(rentalId)).filter((transfer) => transfer.metadata.payout_id === payoutId)

afterEach(() => useSettings({ OWNER_PAYOUTS: 'stripe_connect', DEPOSIT_CLAIM_FEE_PERCENT: '0' }))

describe('a captured damage claim', () => {
  it("schedules the owner share in the batch that captures it, and the cron sends it from the claim's charge", async () => {
    const b = await returnedWithDeposit()
    const claim = await capturedClaim(b, 6_000, '12.5')
    const charge = await holdCharge(b)
    // 12.5% of 6 000: the platform keeps 750, the owner is paid 5 250.
    expect(claim).toMatchObject({
      captured_amount: 6_000,
      platform_fee: 750,
      owner_share: 5_250,
      stripe_charge_id: charge,
      // The renter's answer: the owner's payout is the owner's and the platform's business.
      payout_id: null,
      payout_status: null,
    })
    const payout = (await claimPayoutOf(claim.id))!
    const ownersView = await api('GET', `/api/rentals/${b.rentalId}/damage-claims`, { token: b.owner.token })
    expect(ownersView.body.data).toMatchObject([{ payout_id: payout.id, payout_status: 'scheduled' }])
    expect(payout).toMatchObject({
      kind: 'damage_claim',
      claimId: claim.id,
      paymentId: null,
      rentalId: b.rentalId,
      ownerId: b.owner.id,
      amount: 5_250,
      owed: 5_250,
      currency: 'usd',
      status: 'scheduled',
      releasedAt: null,
      attempt: 1,
    })
    // Due at once; written by the very batch that captured the claim (the same instant).
    const stored = await env.DB.prepare('SELECT captured_at FROM damage_claims WHERE id = ?')
      .bind(claim.id)
      .first<{ captured_at: string }>()
    expect(payout.scheduledFor).toBe(stored!.captured_at)
    expect(payout.createdAt).toBe(stored!.captured_at)
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api'])
    // Stripe's own reports of the capture change nothing.
    await deliverWebhooks()
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api'])

    const { errors } = await reconcileAt(Date.now() + 60_000)
    expect(errors).toEqual([])
    const [transfer, ...more] = await transfersOfPayout(b.rentalId, payout.id)
    expect(more).toEqual([])
    expect(transfer).toMatchObject({
      amount: 5_250,
      currency: 'usd',
      destination: b.owner.accountId,
      source_transaction: charge,
      transfer_group: b.rentalId,
      metadata: { payout_id: payout.id, damage_claim_id: claim.id, kind: 'release' },
    })
    expect(transfer!.metadata.payment_id).toBeUndefined()
    expect(await claimPayoutOf(claim.id)).toMatchObject({
      status: 'released',
      stripeTransferId: transfer!.id,
      stripeAccountId: b.owner.accountId,
    })
    expect(await payoutMoves(payout.id)).toEqual(['∅>scheduled:api', 'scheduled>released:reconciler'])
    // The owner holds the rental's share (7 500 less 10%) and the claim's.
    expect(await accountBalance(b.owner.accountId)).toBe(6_750 + 5_250)
    const claims = await api('GET', `/api/rentals/${b.rentalId}/damage-claims`, { token: b.owner.token })
    expect(claims.body.data).toMatchObject([
      { id: claim.id, payout_id: payout.id, payout_status: 'released' },
    ])
    const rentersView = await api('GET', `/api/rentals/${b.rentalId}/damage-claims`, {
      token: b.renter.token,
    })
    expect(rentersView.body.data).toMatchObject([{ id: claim.id, payout_id: null, payout_status: null }])

    // GET /api/payouts: the owner sees both their payouts, told apart by kind; nobody else sees them.
    const listed = await api('GET', '/api/payouts', { token: b.owner.token })
    expect(listed.body.data).toHaveLength(2)
    expect(listed.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: payout.id,
          kind: 'damage_claim',
          damage_claim_id: claim.id,
          payment_id: null,
          amount: 5_250,
          status: 'released',
        }),
        expect.objectContaining({ kind: 'rental', payment_id: b.paymentId, damage_claim_id: null }),
      ]),
    )
    for (const stranger of [b.renter, await createUser()])
      expect((await api('GET', '/api/payouts', { token: stranger.token })).body.data).toEqual([])
    const admin = await createUser({ role: 'admin' })
    const released = await api('GET', '/api/admin/payouts?status=released&limit=100', { token: admin.token })
    expect(released.body.data).toContainEqual(
      expect.objectContaining({ id: payout.id, kind: 'damage_claim', damage_claim_id: claim.id }),
    )

    // The earnings statement: the claim's line adds up as a payment's does.
    const window = `from=${dateFromToday(-1)}&to=${dateFromToday(2)}`
    const earnings = await api('GET', `/api/me/earnings?${window}`, { token: b.owner.token })
    const line = earnings.body.lines.find((entry: any) => entry.kind === 'damage_claim')
    expect(line).toMatchObject({
      payout_id: payout.id,
      payment_id: null,
      damage_claim_id: claim.id,
      rental_id: b.rentalId,
      gross: 6_000,
      refunds: 0,
      disputed: 0,
      platform_fees: 750,
      net: 5_250,
      released: 5_250,
      reversed: 0,
      scheduled: 0,
      unsettled: 0,
    })
    expect(earnings.body.currencies).toEqual([
      expect.objectContaining({ currency: 'usd', gross: 7_500 + 6_000, platform_fees: 750 + 750 }),
    ])
    const csv = await api('GET', `/api/me/earnings?${window}`, {
      token: b.owner.token,
      headers: { accept: 'text/csv' },
    })
    expect(csv.body).toContain(
      `${payout.id},damage_claim,,${claim.id},${b.rentalId},usd,released,6000,0,0,750`,
    )
  })

  it('reported by several at once (the request, webhooks, the cron): one payout, one audit row', async () => {
    const b = await returnedWithDeposit()
    const filed = await fileFor(b, 3_500)
    // Stripe cannot be reached as the renter accepts: the claim is accepted, not yet captured.
    const accepted = await whileStripeFails('/v1/payment_intents', () => accept(b, filed.body.id))
    expect(accepted.body).toMatchObject({ status: 'accepted', payout_id: null })
    // Captured at Stripe (the cron's collection, whose answer is not applied yet) ...
    const row = await depositRow(b.rentalId)
    const holdId = row!.stripe_payment_intent_id as string
    await frontend.paymentIntents.capture(holdId, { amount_to_capture: 3_500 })
    // ... and its outcome reported by four at once.
    const attempt = await attemptOfIntent({ db }, { id: holdId })
    await Promise.all(
      ['webhook', 'webhook', 'reconciler', 'api'].map((source) =>
        refreshDepositIntent(services(), attempt!, holdId, source as 'webhook'),
      ),
    )
    const { results } = await env.DB.prepare('SELECT id FROM payouts WHERE claim_id = ?')
      .bind(filed.body.id)
      .all()
    expect(results).toHaveLength(1)
    const payout = (await claimPayoutOf(filed.body.id))!
    expect(payout).toMatchObject({ amount: 3_500, status: 'scheduled' })
    expect(await payoutMoves(payout.id)).toHaveLength(1)
  })

  it('concurrent releases and cron runs send one transfer, recorded once', async () => {
    const b = await returnedWithDeposit()
    const claim = await capturedClaim(b, 3_000)
    const payout = (await claimPayoutOf(claim.id))!
    const outcomes = await Promise.all([
      releasePayout(services(), payout),
      releasePayout(services(), payout),
      releasePayout(services(), payout),
      reconcileAt(Date.now() + 60_000),
      reconcileAt(Date.now() + 60_000),
    ])
    expect(outcomes.slice(0, 3)).toEqual(['released', 'released', 'released'])
    expect(await transfersOfPayout(b.rentalId, payout.id)).toHaveLength(1)
    expect((await payoutMoves(payout.id)).filter((move) => move.includes('>released'))).toHaveLength(1)
    expect(await accountBalance(b.owner.accountId)).toBe(6_750 + 3_000)
  })

  it('Stripe down leaves it scheduled; Stripe refusing fails it, and it is retried when the account can receive', async () => {
    const b = await returnedWithDeposit()
    const claim = await capturedClaim(b, 2_500)
    const payout = (await claimPayoutOf(claim.id))!
    const down = await whileStripeFails('/v1/transfers', () => reconcileAt(Date.now() + 60_000))
    expect(down.report.errors).toBeGreaterThanOrEqual(1)
    expect(await claimPayoutOf(claim.id)).toMatchObject({ status: 'scheduled', attempt: 1 })
    expect(await transfersOfPayout(b.rentalId, payout.id)).toEqual([])

    await disableAccount(b.owner.accountId)
    await reconcileAt(Date.now() + 60_000)
    expect(await claimPayoutOf(claim.id)).toMatchObject({
      status: 'failed',
      failureCode: 'insufficient_capabilities_for_transfer',
      attempt: 1,
    })
    const failed = await api('GET', '/api/payouts?status=failed', { token: b.owner.token })
    expect(failed.body.data).toContainEqual(expect.objectContaining({ id: payout.id, kind: 'damage_claim' }))
    const admin = await createUser({ role: 'admin' })
    const attention = await api('GET', '/api/admin/attention', { token: admin.token })
    expect(attention.body.failed_payouts).toContainEqual(
      expect.objectContaining({
        id: payout.id,
        kind: 'damage_claim',
        failure_code: 'insufficient_capabilities_for_transfer',
      }),
    )

    await completeOnboarding(b.owner.accountId)
    expect(await deliverConnect(b.owner.accountId, 'account.updated')).toContain('account.updated:applied')
    expect(await claimPayoutOf(claim.id)).toMatchObject({ status: 'scheduled', attempt: 2 })
    await reconcileAt(Date.now() + 60_000)
    const [transfer, ...more] = await transfersOfPayout(b.rentalId, payout.id)
    expect(more).toEqual([])
    expect(transfer).toMatchObject({ amount: 2_500, source_transaction: await holdCharge(b) })
    expect(await payoutMoves(payout.id)).toEqual([
      '∅>scheduled:api',
      'scheduled>failed:reconciler',
      'failed>scheduled:webhook',
      'scheduled>released:reconciler',
    ])
  })

  it('pays nothing when the fee takes all of it, or when owners are paid another way (OWNER_PAYOUTS=off)', async () => {
    const b = await returnedWithDeposit()
    const claim = await capturedClaim(b, 4_000, '100')
    expect(claim).toMatchObject({ platform_fee: 4_000, owner_share: 0, payout_id: null, payout_status: null })
    expect(await claimPayoutOf(claim.id)).toBeUndefined()

    const off = await returnedWithDeposit()
    useSettings({ OWNER_PAYOUTS: 'off' })
    const unpaid = await capturedClaim(off, 4_000)
    expect(unpaid).toMatchObject({ owner_share: 4_000, payout_id: null })
    expect(await claimPayoutOf(unpaid.id)).toBeUndefined()
  })
})

// Last in the file: it moves this file's clocks days ahead.
describe('a claim on a lapsed hold', () => {
  it('is charged off-session, and its owner share is sent from that charge', async () => {
    const b = await returnedWithDeposit({ days: 2 })
    const row = await depositRow(b.rentalId)
    const [hold] = await intentsOfDeposit(row!.id)
    // No cron runs meanwhile: Stripe lets the hold expire.
    await travelTo((await captureBefore(hold!.id)) + 60_000)
    await deliverWebhooks()
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('lapsed')

    const claim = await capturedClaim(b, 4_200, '10')
    const [, collection] = await intentsOfDeposit(row!.id)
    expect(collection).toMatchObject({ status: 'succeeded', metadata: { purpose: 'deposit_claim' } })
    const charge = collection!.latest_charge as string
    expect(claim).toMatchObject({ platform_fee: 420, owner_share: 3_780, stripe_charge_id: charge })
    const payout = (await claimPayoutOf(claim.id))!
    expect(payout).toMatchObject({ kind: 'damage_claim', amount: 3_780, status: 'scheduled' })

    const { errors } = await cronNow()
    expect(errors).toEqual([])
    const [transfer, ...more] = await transfersOfPayout(b.rentalId, payout.id)
    expect(more).toEqual([])
    expect(transfer).toMatchObject({
      amount: 3_780,
      destination: b.owner.accountId,
      source_transaction: charge,
      transfer_group: b.rentalId,
      metadata: { payout_id: payout.id, damage_claim_id: claim.id, kind: 'release' },
    })
    expect((await claimPayoutOf(claim.id))!.status).toBe('released')
  })
})

describe("a dispute of a claim's charge", () => {
  it("after release reverses the owner's share of it, and a won dispute gives it back", async () => {
    const b = await returnedWithDeposit()
    const claim = await capturedClaim(b, 6_000, '10')
    expect(claim).toMatchObject({ captured_amount: 6_000, platform_fee: 600, owner_share: 5_400 })
    expect((await reconcileAt(Date.now() + 60_000)).errors).toEqual([])
    const payout = (await claimPayoutOf(claim.id))!
    expect(payout.status).toBe('released')
    const balanceBefore = await accountBalance(b.owner.accountId)

    // The renter's bank disputes the whole claim: the owner's 5 400 is taken back from them.
    const dispute = await disputeCharge(await holdCharge(b))
    expect(dispute.amount).toBe(6_000)
    await deliverWebhooks()
    expect(await claimPayoutOf(claim.id)).toMatchObject({
      status: 'reversed',
      disputedAmount: 6_000,
      owed: 0,
      amount: 5_400,
      amountReversed: 5_400,
    })
    expect(await accountBalance(b.owner.accountId)).toBe(balanceBefore - 5_400)
    // Delivered again: nothing more moves at Stripe.
    await deliverWebhooks()
    const [release, ...rest] = await transfersOfPayout(b.rentalId, payout.id)
    expect(rest).toEqual([])
    expect(release!.amount_reversed).toBe(5_400)

    // Won: the owner gets their share back, from the claim's charge, once.
    await closeDispute(dispute.id, 'won')
    await deliverWebhooks()
    await deliverWebhooks()
    expect(await claimPayoutOf(claim.id)).toMatchObject({
      status: 'released',
      disputedAmount: 0,
      owed: 5_400,
    })
    const transfers = await transfersOfPayout(b.rentalId, payout.id)
    expect(transfers.map((transfer) => transfer.metadata.kind)).toEqual(['release', 'give_back'])
    expect(transfers[1]).toMatchObject({ amount: 5_400, source_transaction: release!.source_transaction })
    expect(await accountBalance(b.owner.accountId)).toBe(balanceBefore)
    expect(await payoutMoves(payout.id)).toEqual([
      '∅>scheduled:api',
      'scheduled>released:reconciler',
      'released>reversed:webhook',
      'reversed>released:webhook',
    ])
  })

  it('before release holds the payout; lost, nothing is ever sent', async () => {
    const b = await returnedWithDeposit()
    const claim = await capturedClaim(b, 4_000, '10')
    const dispute = await disputeCharge(await holdCharge(b))
    await deliverWebhooks()
    const payout = (await claimPayoutOf(claim.id))!
    expect(payout).toMatchObject({ status: 'held', disputedAmount: 4_000, owed: 0, amount: 0 })
    expect((await reconcileAt(Date.now() + 60_000)).errors).toEqual([])
    expect((await claimPayoutOf(claim.id))!.status).toBe('held')

    await closeDispute(dispute.id, 'lost')
    await deliverWebhooks()
    expect((await reconcileAt(Date.now() + 120_000)).errors).toEqual([])
    expect(await claimPayoutOf(claim.id)).toMatchObject({ status: 'reversed', owed: 0, amount: 0 })
    expect(await transfersOfPayout(b.rentalId, payout.id)).toEqual([])
    // The rental's own payment and payout are not touched by the claim's dispute.
    const payment = await api('GET', `/api/payments/${b.paymentId}`, { token: b.renter.token })
    expect(payment.body.status).toBe('completed')
    // The earnings statement shows the claim's 4 000 as disputed: no fee kept, nothing to the owner.
    const window = `from=${dateFromToday(-1)}&to=${dateFromToday(2)}`
    const earnings = await api('GET', `/api/me/earnings?${window}`, { token: b.owner.token })
    const line = earnings.body.lines.find((entry: any) => entry.damage_claim_id === claim.id)
    expect(line).toMatchObject({ gross: 4_000, refunds: 0, disputed: 4_000, platform_fees: 0, net: 0 })
  })

  it('that overtakes the report of its capture (the answer lost, the webhooks late) still withholds', async () => {
    const b = await returnedWithDeposit()
    const filed = await fileFor(b, 4_000)
    // The renter accepts; Stripe captures, but its answer never comes back: the claim is left accepted.
    await whileStripeFails('/v1/payment_intents', () => accept(b, filed.body.id), true)
    const stored = await db.query.damageClaims.findFirst({
      where: (table, { eq }) => eq(table.id, filed.body.id),
    })
    expect(stored).toMatchObject({ status: 'accepted', stripeChargeId: null })
    // The renter's bank disputes the charge, and that webhook comes first.
    const dispute = await disputeCharge(await holdCharge(b))
    expect(await deliverAbout(dispute.id, 'charge.dispute.created')).toEqual([
      'charge.dispute.created:applied',
    ])
    expect(await claimPayoutOf(filed.body.id)).toMatchObject({
      status: 'held',
      disputedAmount: 4_000,
      owed: 0,
    })
    // The rest arrives, the cron runs: nothing is sent while the dispute is open.
    await deliverWebhooks()
    expect((await reconcileAt(Date.now() + 60_000)).errors).toEqual([])
    const payout = (await claimPayoutOf(filed.body.id))!
    expect(payout).toMatchObject({ status: 'held', amount: 0 })
    expect(await transfersOfPayout(b.rentalId, payout.id)).toEqual([])
  })
})
