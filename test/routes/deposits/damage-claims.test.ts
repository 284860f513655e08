import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser, services } from '../../helpers/factories'
import { fileClaim as fileClaimAs } from '../../../src/use-cases/deposits/claims'
import { splitClaim } from '../../../src/domain/deposits'
import { auditOf, frontend } from '../../helpers/payments'
import {
  answerClaim,
  appNow,
  cronNow,
  DAY,
  depositRow,
  fileClaim,
  getDeposit,
  HOUR,
  intentsOfDeposit,
  paidDepositBooking,
  returnedWithDeposit,
  travelTo,
  type DepositBooking,
} from '../../helpers/deposits'

const claimsOf = (b: DepositBooking, token = b.owner.token) =>
  api('GET', `/api/rentals/${b.rentalId}/damage-claims`, { token })
const decide = (claimId: string, amount: number, token: string) =>
  api('POST', `/api/admin/damage-claims/${claimId}/decide`, { token, body: { amount } })

describe('a damage claim accepted by the renter', () => {
  it('captures the claimed amount from the hold and releases the rest', async () => {
    const b = await returnedWithDeposit()
    const filed = await fileClaim(b, {
      amount: 6_000,
      description: 'Crack in the neck heel; luthier quote attached',
      evidence_urls: ['https://photos.example/neck.jpg', 'https://photos.example/quote.pdf'],
    })
    expect(filed.status).toBe(201)
    expect(filed.body).toMatchObject({
      status: 'open',
      amount: 6_000,
      currency: 'usd',
      evidence_urls: ['https://photos.example/neck.jpg', 'https://photos.example/quote.pdf'],
      captured_amount: null,
    })
    // Every party sees it; a second claim on the same rental is refused.
    for (const token of [b.renter.token, b.owner.token])
      expect((await claimsOf(b, token)).body.data).toMatchObject([{ id: filed.body.id, status: 'open' }])
    expectProblem(await fileClaim(b, { amount: 100, description: 'Also a scratch' }), 409, 'claim_exists')

    const accepted = await answerClaim(filed.body.id, 'accept', b.renter.token)
    expect(accepted.status).toBe(200)
    expect(accepted.body).toMatchObject({
      status: 'captured',
      captured_amount: 6_000,
      platform_fee: 0,
      owner_share: 6_000,
    })
    const deposit = await getDeposit(b, b.renter.token)
    expect(deposit.body).toMatchObject({ status: 'partially_captured', captured_amount: 6_000 })
    expect(deposit.body.released_at).not.toBeNull()
    // At Stripe: the hold captured for 6 000, the other 4 000 released as a refund of its charge.
    const row = await depositRow(b.rentalId)
    const [hold] = await intentsOfDeposit(row!.id)
    expect(hold).toMatchObject({ status: 'succeeded', amount_received: 6_000 })
    const released = await frontend.refunds.list({ payment_intent: hold!.id })
    expect(released.data.map((refund) => refund.amount)).toEqual([4_000])
    expect((await auditOf(filed.body.id)).map((r) => `${r.from_status}>${r.to_status}`)).toEqual([
      'null>open',
      'open>accepted',
      'accepted>captured',
    ])
    // The receipt shows the deposit and what the claim took of it.
    const receipt = await api('GET', `/api/payments/${b.rentalId}/receipt`, {
      token: b.renter.token,
      headers: { accept: 'application/json' },
    })
    expect(receipt.body).toMatchObject({
      deposit_amount: 10_000,
      deposit_status: 'partially_captured',
      deposit_captured_amount: 6_000,
      formatted: { deposit_amount: '$100.00', deposit_captured_amount: '$60.00' },
    })
    const page = await api('GET', `/api/payments/${b.rentalId}/receipt`, { token: b.renter.token })
    expect(page.body).toContain('Deposit (partly captured for a damage claim, the rest released)')
    expect(page.body).toContain('of which taken for a damage claim')
    // Settled: nothing more to answer, release or claim.
    expectProblem(await answerClaim(filed.body.id, 'contest', b.renter.token), 409, 'claim_not_open')
    expectProblem(
      await api('POST', `/api/rentals/${b.rentalId}/deposit/release`, { token: b.owner.token }),
      409,
      'deposit_not_releasable',
    )
  })

  it('captures the whole deposit when the claim is for all of it', async () => {
    const b = await returnedWithDeposit()
    const filed = await fileClaim(b, { amount: 10_000, description: 'Neck snapped' })
    const accepted = await answerClaim(filed.body.id, 'accept', b.renter.token)
    expect(accepted.body).toMatchObject({ status: 'captured', captured_amount: 10_000 })
    expect((await getDeposit(b, b.owner.token)).body).toMatchObject({
      status: 'captured',
      captured_amount: 10_000,
      released_at: null,
    })
  })
})

describe('a contested claim', () => {
  it('is decided by an admin, and the decided amount is captured', async () => {
    const b = await returnedWithDeposit()
    const admin = await createUser({ role: 'admin' })
    const filed = await fileClaim(b, { amount: 8_000, description: 'Cracked tolex and a blown speaker' })
    // Not decidable while the renter may still answer.
    expectProblem(await decide(filed.body.id, 1_000, admin.token), 409, 'claim_not_contested')
    const contested = await answerClaim(filed.body.id, 'contest', b.renter.token)
    expect(contested.body).toMatchObject({ status: 'contested' })
    expectProblem(await answerClaim(filed.body.id, 'accept', b.renter.token), 409, 'claim_not_open')
    // Only an admin decides, never more than was claimed.
    expectProblem(await decide(filed.body.id, 1_000, b.owner.token), 403, 'forbidden')
    const tooMuch = expectProblem(
      await decide(filed.body.id, 8_001, admin.token),
      422,
      'decision_exceeds_claim',
    )
    expect(tooMuch.errors).toEqual([{ path: 'body.amount', message: 'At most the amount claimed, 8000' }])
    const decided = await decide(filed.body.id, 3_500, admin.token)
    expect(decided.status).toBe(200)
    expect(decided.body).toMatchObject({ status: 'captured', decided_amount: 3_500, captured_amount: 3_500 })
    expect((await getDeposit(b, b.renter.token)).body).toMatchObject({
      status: 'partially_captured',
      captured_amount: 3_500,
    })
    expectProblem(await decide(filed.body.id, 3_500, admin.token), 409, 'claim_not_contested')
    const audit = await auditOf(filed.body.id)
    expect(audit.map((r) => `${r.from_status}>${r.to_status}:${r.source}`)).toEqual([
      'null>open:api',
      'open>contested:api',
      'contested>decided:api',
      'decided>captured:api',
    ])
  })

  it('decided at nothing releases the deposit', async () => {
    const b = await returnedWithDeposit()
    const admin = await createUser({ role: 'admin' })
    const filed = await fileClaim(b, { amount: 2_000, description: 'A scratch that was there before' })
    await answerClaim(filed.body.id, 'contest', b.renter.token)
    const decided = await decide(filed.body.id, 0, admin.token)
    expect(decided.body).toMatchObject({ status: 'decided', decided_amount: 0, captured_amount: null })
    expect((await getDeposit(b, b.renter.token)).body).toMatchObject({
      status: 'released',
      captured_amount: 0,
    })
    const row = await depositRow(b.rentalId)
    expect((await intentsOfDeposit(row!.id)).map((intent) => intent.status)).toEqual(['canceled'])
  })
})

describe('the platform fee on a claim (DEPOSIT_CLAIM_FEE_PERCENT)', () => {
  it('is the rate when the claim was filed, split by the database as domain/deposits.ts splits it', async () => {
    for (const [percent, amount] of [
      [12.5, 3_333],
      [10, 2_999],
      [33.33, 1],
      [99.99, 9_999],
    ] as const) {
      const b = await returnedWithDeposit()
      const deps = services()
      deps.settings = { ...deps.settings, DEPOSIT_CLAIM_FEE_PERCENT: percent }
      const claim = await fileClaimAs(deps, { id: b.owner.id, role: 'user' }, b.rentalId, {
        amount,
        description: 'Fret wear beyond normal use',
      })
      const accepted = await answerClaim(claim.id, 'accept', b.renter.token)
      const split = splitClaim(amount, Math.round(percent * 100))
      expect(accepted.body).toMatchObject({
        status: 'captured',
        captured_amount: amount,
        platform_fee: split.platformFee,
        owner_share: split.ownerShare,
      })
      expect(Number.isInteger(accepted.body.platform_fee)).toBe(true)
    }
  })
})

describe('filing a claim', () => {
  it('is the owner’s, for at most the deposit, with https evidence, and once the rental has started', async () => {
    const b = await returnedWithDeposit()
    expectProblem(await fileClaim(b, { amount: 100, description: 'x' }, b.renter.token), 403, 'not_owner')
    const tooMuch = expectProblem(
      await fileClaim(b, { amount: 10_001, description: 'Everything' }),
      422,
      'claim_exceeds_deposit',
    )
    expect(tooMuch.errors).toEqual([{ path: 'body.amount', message: 'At most the deposit, 10000' }])
    const invalid = expectProblem(
      await fileClaim(b, { amount: 0, description: '  ', evidence_urls: ['http://photos.example/a.jpg'] }),
      400,
      'validation_failed',
    )
    expect(invalid.errors!.map((error) => error.path).sort()).toEqual([
      'body.amount',
      'body.description',
      'body.evidence_urls.0',
    ])
    // A rental that has not started yet has nothing to claim for.
    const later = await paidDepositBooking({ startInDays: 4 })
    expectProblem(await fileClaim(later, { amount: 100, description: 'x' }), 409, 'deposit_not_claimable')
    // A rental without a deposit has none to claim against.
    const none = await paidDepositBooking({ startInDays: 0, deposit: 0 })
    expect((await getDeposit(none, none.renter.token)).body).toMatchObject({
      status: 'not_required',
      amount: 0,
      id: null,
    })
    expectProblem(await fileClaim(none, { amount: 100, description: 'x' }), 409, 'deposit_not_claimable')
  })
})

describe('the owner releases the deposit', () => {
  it('at once, withdrawing an open claim; the hold is canceled at Stripe', async () => {
    const b = await returnedWithDeposit()
    const filed = await fileClaim(b, { amount: 1_000, description: 'Loose jack' })
    expectProblem(
      await api('POST', `/api/rentals/${b.rentalId}/deposit/release`, { token: b.renter.token }),
      403,
      'not_owner',
    )
    const released = await api('POST', `/api/rentals/${b.rentalId}/deposit/release`, { token: b.owner.token })
    expect(released.status).toBe(200)
    expect(released.body).toMatchObject({ status: 'released', captured_amount: 0 })
    expect((await claimsOf(b)).body.data).toMatchObject([{ id: filed.body.id, status: 'withdrawn' }])
    const row = await depositRow(b.rentalId)
    expect((await intentsOfDeposit(row!.id)).map((intent) => intent.status)).toEqual(['canceled'])
    expectProblem(
      await api('POST', `/api/rentals/${b.rentalId}/deposit/release`, { token: b.owner.token }),
      409,
      'deposit_not_releasable',
    )
    expectProblem(await answerClaim(filed.body.id, 'accept', b.renter.token), 409, 'claim_not_open')
  })
})

// These move this file's clocks forward: they come last.
describe('after the claim window and the response time', () => {
  it('an unanswered claim counts as accepted and is captured by the cron; an unclaimed deposit is released', async () => {
    const claimed = await returnedWithDeposit()
    const unclaimed = await returnedWithDeposit()
    const filed = await fileClaim(claimed, { amount: 2_500, description: 'Burn mark on the top' })
    // Not before respond_by (DEPOSIT_CLAIM_RESPONSE_HOURS = 72 hours after filing) ...
    await travelTo(appNow() + 71 * HOUR)
    await cronNow()
    expect((await claimsOf(claimed)).body.data[0].status).toBe('open')
    // ... and the unclaimed deposit stays held until its window closes (48 hours after the end, in 3 days).
    const window = Date.parse((await getDeposit(unclaimed, unclaimed.owner.token)).body.claim_window_ends_at)
    expect(window).toBe(Date.parse(`${unclaimed.endDate}T00:00:00Z`) + 2 * DAY)
    await travelTo(Math.max(window, Date.parse(filed.body.respond_by)) + 60_000)
    const { report, errors } = await cronNow()
    expect(errors).toEqual([])
    expect(report.deposits).toMatchObject({ claims_accepted: 1, claims_collected: 1 })
    expect((await claimsOf(claimed)).body.data[0]).toMatchObject({
      status: 'captured',
      captured_amount: 2_500,
    })
    expect((await getDeposit(claimed, claimed.owner.token)).body.status).toBe('partially_captured')
    expect((await getDeposit(unclaimed, unclaimed.owner.token)).body.status).toBe('released')
    const audit = await auditOf(filed.body.id)
    expect(audit.map((r) => `${r.from_status}>${r.to_status}:${r.source}`)).toEqual([
      'null>open:api',
      'open>accepted:reconciler',
      'accepted>captured:reconciler',
    ])
    // The window closed: no claim can be filed any more.
    const late = await returnedWithDeposit()
    await travelTo(Date.parse((await getDeposit(late, late.owner.token)).body.claim_window_ends_at) + 1_000)
    await cronNow()
    expect((await getDeposit(late, late.owner.token)).body.status).toBe('released')
  })
})
