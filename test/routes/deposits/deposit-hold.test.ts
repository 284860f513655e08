import { describe, expect, it } from 'vitest'
import { auditOf } from '../../helpers/payments'
import {
  appNow,
  captureBefore,
  cronNow,
  DAY,
  depositRow,
  getDeposit,
  HOUR,
  intentsOfDeposit,
  paidDepositBooking,
  startOfDayFromToday,
  travelTo,
} from '../../helpers/deposits'

describe('the deposit hold', () => {
  it('is held at payment when the rental starts within DEPOSIT_HOLD_LEAD_HOURS, on the card the payment saved', async () => {
    const b = await paidDepositBooking({ startInDays: 0 })
    const res = await getDeposit(b, b.renter.token)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'held', amount: 10_000, currency: 'usd', captured_amount: 0 })
    const row = await depositRow(b.rentalId)
    const [hold] = await intentsOfDeposit(row!.id)
    expect(hold).toMatchObject({ status: 'requires_capture', capture_method: 'manual', amount: 10_000 })
    expect(Date.parse(res.body.hold_expires_at)).toBe(await captureBefore(hold!.id))
  })

  it('is placed by the cron the day before the start, never at payment when the start is further', async () => {
    const b = await paidDepositBooking({ startInDays: 3 })
    const scheduled = await getDeposit(b, b.owner.token)
    expect(scheduled.body).toMatchObject({ status: 'scheduled', hold_expires_at: null })
    const due = startOfDayFromToday(3) - DAY
    expect(Date.parse(scheduled.body.hold_due_at)).toBe(due)
    await cronNow()
    expect((await getDeposit(b, b.owner.token)).body.status).toBe('scheduled')
    await travelTo(due + 60_000)
    const { report, errors } = await cronNow()
    expect(errors).toEqual([])
    expect(report.deposits.holds_placed).toBe(1)
    const held = await getDeposit(b, b.owner.token)
    expect(held.body.status).toBe('held')
    const row = await depositRow(b.rentalId)
    const [hold] = await intentsOfDeposit(row!.id)
    // Visa held off-session: 4 days 18 hours from the emulator's clock, as Stripe says, not assumed.
    expect(Date.parse(held.body.hold_expires_at)).toBe(await captureBefore(hold!.id))
    expect(Date.parse(held.body.hold_expires_at) - appNow()).toBeGreaterThan(4 * DAY + 17 * HOUR)
    expect((await auditOf(row!.id)).map((r) => `${r.from_status}>${r.to_status}:${r.source}`)).toEqual([
      'null>scheduled:api',
      'scheduled>held:reconciler',
    ])
  })
})
