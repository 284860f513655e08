/** Timestamps are ISO-8601 UTC strings everywhere: they sort correctly as text in D1. */
export const nowIso = (now: Date = new Date()) => now.toISOString()

export const addMinutes = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString()

/** Today's date (UTC) as YYYY-MM-DD. */
export const todayUtc = (now: Date = new Date()) => now.toISOString().slice(0, 10)

/** Whole days between two YYYY-MM-DD dates (end exclusive). */
export const daysBetween = (start: string, end: string) =>
  Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000)
