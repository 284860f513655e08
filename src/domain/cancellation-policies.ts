/*
 * Cancellation policies, declared once as data: each is a list of windows before the rental starts, and the
 * share of what was paid that a cancellation refunds in each. A listing chooses one; it is copied onto the
 * rental at booking with the listing's time zone, so a later change of the listing never changes a booked
 * rental. A rental starts at 00:00 local time on its start date (the listing's IANA time zone), and windows are
 * measured from that instant, daylight-saving changes included.
 */

export const cancellationPolicies = ['flexible', 'moderate', 'strict'] as const
export type CancellationPolicy = (typeof cancellationPolicies)[number]

interface Window {
  /** The window lasts until this many hours before the start (0: the start itself). */
  untilHoursBefore: number
  refundPercent: number
}

interface Policy {
  /** Earliest first: the first window whose end is still ahead applies. */
  windows: readonly Window[]
  /** The share refunded once every window has passed. */
  afterPercent: number
}

export const POLICIES: Record<CancellationPolicy, Policy> = {
  flexible: { windows: [{ untilHoursBefore: 24, refundPercent: 100 }], afterPercent: 50 },
  moderate: {
    windows: [
      { untilHoursBefore: 5 * 24, refundPercent: 100 },
      { untilHoursBefore: 0, refundPercent: 50 },
    ],
    afterPercent: 0,
  },
  strict: { windows: [{ untilHoursBefore: 7 * 24, refundPercent: 50 }], afterPercent: 0 },
}

export interface CancellationQuote {
  refundPercent: number
  /** The refund in minor units: floor(refundable × percent / 100), never more than the share. */
  refundAmount: number
  /** When this quote stops holding (the end of its window), or null once every window has passed. */
  until: Date | null
  rule: string
}

const HOUR = 3_600_000

/** What cancelling now refunds of `refundable` (minor units) under `policy`, for a rental starting at `startsAt`. */
export function quoteCancellation(
  policy: CancellationPolicy,
  startsAt: Date,
  now: Date,
  refundable: number,
): CancellationQuote {
  const { windows, afterPercent } = POLICIES[policy]
  for (const window of windows) {
    const until = new Date(startsAt.getTime() - window.untilHoursBefore * HOUR)
    if (now < until) {
      return {
        refundPercent: window.refundPercent,
        refundAmount: share(refundable, window.refundPercent),
        until,
        rule: `${window.refundPercent}% refunded until ${describe(window.untilHoursBefore)}`,
      }
    }
  }
  const last = windows.at(-1)
  return {
    refundPercent: afterPercent,
    refundAmount: share(refundable, afterPercent),
    until: null,
    rule: `${afterPercent}% refunded after ${last ? describe(last.untilHoursBefore) : 'booking'}`,
  }
}

const share = (amount: number, percent: number) => Math.floor((amount * percent) / 100)

const describe = (hoursBefore: number) =>
  hoursBefore === 0
    ? 'the start'
    : hoursBefore % 24 === 0
      ? `${hoursBefore / 24} day${hoursBefore === 24 ? '' : 's'} before the start`
      : `${hoursBefore} hours before the start`

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/** The wall-clock time in `timeZone` at `instant`, as if it were UTC (milliseconds, to the minute). */
function wallClock(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(instant))
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value)
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'))
}

const MINUTE = 60_000
const offsetAt = (instant: number, timeZone: string) =>
  wallClock(instant, timeZone) - Math.floor(instant / MINUTE) * MINUTE

/**
 * The instant a day (YYYY-MM-DD) begins in `timeZone`: 00:00 local time. The offset at local midnight can
 * differ from the offset at UTC midnight on a day the clocks change, so both are tried, and the earliest
 * instant that falls on that local day wins: where 00:00 happens twice it is the first, and where it does not
 * exist (a zone that springs forward at midnight) the day begins at the end of the gap.
 */
export function startOfDay(date: string, timeZone: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`)
  const first = midnight - offsetAt(midnight, timeZone)
  const second = midnight - offsetAt(first, timeZone)
  const onThatDay = [first, second].filter((instant) => wallClock(instant, timeZone) >= midnight)
  return new Date(Math.min(...(onThatDay.length ? onThatDay : [first])))
}
