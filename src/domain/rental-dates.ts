import { ApiError } from '../lib/errors'
import { daysBetween, todayUtc } from '../lib/time'

/** A booking's dates, YYYY-MM-DD; the end is exclusive (the return day). */
export interface DateRange {
  start: string
  end: string
}

export const MAX_AVAILABILITY_DAYS = 366

const invalidRange = (path: string, message: string) =>
  new ApiError('invalid_date_range', `Invalid ${path}: ${message}`, { errors: [{ path, message }] })

/** Checks a booking's dates (YYYY-MM-DD, end exclusive) and returns its length in days. */
export function validateRentalDates(range: DateRange, now: Date, maxDays: number): number {
  if (range.start < todayUtc(now)) throw invalidRange('body.start_date', 'Must not be in the past (UTC)')
  if (range.end <= range.start) throw invalidRange('body.end_date', 'Must be after start_date')
  const days = daysBetween(range.start, range.end)
  if (days > maxDays) throw invalidRange('body.end_date', `A rental lasts at most ${maxDays} days`)
  return days
}

export function validateAvailabilityWindow(from: string, to: string): void {
  if (to <= from) throw invalidRange('query.to', 'Must be after from')
  if (daysBetween(from, to) > MAX_AVAILABILITY_DAYS) {
    throw invalidRange('query.to', `The window spans at most ${MAX_AVAILABILITY_DAYS} days`)
  }
}
