import { describe, expect, it } from 'vitest'
import { isTimeZone, POLICIES, quoteCancellation, startOfDay } from '../../src/domain/cancellation-policies'

const at = (iso: string) => new Date(iso)
const MINUTE = 60_000

describe('startOfDay: 00:00 local time, daylight-saving changes included', () => {
  it.each([
    ['2027-03-27', 'Europe/Berlin', '2027-03-26T23:00:00.000Z'], // CET, the day before clocks go forward
    ['2027-03-28', 'Europe/Berlin', '2027-03-27T23:00:00.000Z'], // clocks go forward at 02:00: midnight is CET
    ['2027-03-29', 'Europe/Berlin', '2027-03-28T22:00:00.000Z'], // CEST
    ['2027-10-31', 'Europe/Berlin', '2027-10-30T22:00:00.000Z'], // clocks go back at 03:00: midnight is CEST
    ['2027-11-01', 'Europe/Berlin', '2027-10-31T23:00:00.000Z'],
    ['2027-03-14', 'America/New_York', '2027-03-14T05:00:00.000Z'], // EST until 02:00
    ['2027-03-15', 'America/New_York', '2027-03-15T04:00:00.000Z'], // EDT
    ['2027-11-07', 'America/New_York', '2027-11-07T04:00:00.000Z'], // EDT until 02:00
    ['2027-11-08', 'America/New_York', '2027-11-08T05:00:00.000Z'],
    ['2027-09-05', 'America/Santiago', '2027-09-05T04:00:00.000Z'], // 00:00 does not exist: the day starts at 01:00
    ['2027-06-01', 'Asia/Kolkata', '2027-05-31T18:30:00.000Z'],
    ['2027-06-01', 'UTC', '2027-06-01T00:00:00.000Z'],
  ])('%s in %s begins at %s', (date, zone, expected) => {
    expect(startOfDay(date, zone).toISOString()).toBe(expected)
  })

  it('knows IANA zones and refuses anything else', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true)
    expect(isTimeZone('UTC')).toBe(true)
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false)
    expect(isTimeZone('+02:00 or so')).toBe(false)
  })
})

describe('quoteCancellation: each window to the minute, in two time zones', () => {
  // A rental starting on the day Berlin's clocks go forward, and one on the day New York's go back.
  const berlin = startOfDay('2027-03-28', 'Europe/Berlin') // 2027-03-27T23:00Z
  const newYork = startOfDay('2027-11-07', 'America/New_York') // 2027-11-07T04:00Z
  const before = (start: Date, hours: number, minutes = 0) =>
    new Date(start.getTime() - hours * 3_600_000 - minutes * MINUTE)

  it.each([
    ['flexible', berlin, 24, 100, 50],
    ['flexible', newYork, 24, 100, 50],
    ['moderate', berlin, 120, 100, 50],
    ['moderate', newYork, 120, 100, 50],
    ['strict', berlin, 168, 50, 0],
    ['strict', newYork, 168, 50, 0],
  ] as const)('%s from %s: %i h before the start, %i%% then %i%%', (policy, start, hours, inside, after) => {
    const lastMinute = quoteCancellation(policy, start, before(start, hours, 1), 10_000)
    expect(lastMinute).toMatchObject({ refundPercent: inside, refundAmount: inside * 100 })
    expect(lastMinute.until).toEqual(before(start, hours))
    const boundary = quoteCancellation(policy, start, before(start, hours), 10_000)
    expect(boundary.refundPercent).toBe(after)
    expect(boundary.refundAmount).toBe(after * 100)
  })

  it('moderate: half until the very start, nothing from the start on', () => {
    expect(quoteCancellation('moderate', berlin, new Date(berlin.getTime() - MINUTE), 999).refundAmount).toBe(
      499,
    )
    const started = quoteCancellation('moderate', berlin, berlin, 999)
    expect(started).toMatchObject({ refundPercent: 0, refundAmount: 0, until: null })
  })

  it('rounds the refund down to a whole minor unit, and refunds nothing of nothing', () => {
    expect(quoteCancellation('flexible', berlin, at('2027-03-27T12:00:00Z'), 1_005).refundAmount).toBe(502)
    expect(quoteCancellation('flexible', berlin, at('2027-01-01T00:00:00Z'), 0).refundAmount).toBe(0)
  })

  it('declares every policy as windows that only shrink the refund as the start nears', () => {
    for (const policy of Object.values(POLICIES)) {
      const percents = [...policy.windows.map((window) => window.refundPercent), policy.afterPercent]
      expect([...percents].sort((a, b) => b - a)).toEqual(percents)
      const hours = policy.windows.map((window) => window.untilHoursBefore)
      expect([...hours].sort((a, b) => b - a)).toEqual(hours)
    }
  })
})
