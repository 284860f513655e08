import { ApiError } from './errors'

/** A cursor, opaque to clients: its parts joined with '|', in base64 without padding. */
export const cursorOf = (...parts: (string | number)[]): string => btoa(parts.join('|')).replace(/=+$/, '')

/** The parts of a cursor this API made, if `valid` accepts them; anything else is a 400 naming query.cursor. */
export function cursorParts(
  cursor: string,
  valid: (parts: string[]) => boolean,
  message = 'Not a cursor returned by this API',
): string[] {
  let parts: string[] = []
  try {
    parts = atob(cursor).split('|')
  } catch {
    // not base64: refused below like any other bad cursor
  }
  if (valid(parts)) return parts
  throw new ApiError('validation_failed', 'Invalid query.cursor', {
    errors: [{ path: 'query.cursor', message }],
  })
}

/** Cursor pagination on (created_at, id), newest first. */
export const encodeCursor = (createdAt: string, id: string): string => cursorOf(createdAt, id)

export function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (!cursor) return undefined
  const [createdAt = '', id = ''] = cursorParts(cursor, ([createdAt, id]) =>
    Boolean(createdAt && id && !Number.isNaN(Date.parse(createdAt))),
  )
  return { createdAt, id }
}
