import { ApiError } from '../../lib/errors'

/**
 * D1 read replication (docs/DEPLOYMENT.md): every request runs its queries in one D1 session, and answers
 * with the session's bookmark in this header; a client that sends it back reads at least what it wrote.
 */
export const BOOKMARK_HEADER = 'X-D1-Bookmark'

/** What D1 gives out: hex groups joined by dashes (`00000000-0000000d-00000000-0000…`), short. */
const BOOKMARK = /^[0-9a-f]+(?:-[0-9a-f]+)*$/i
const MAX_BOOKMARK_LENGTH = 128

interface RequestSession {
  /**
   * The session, opened at the request's first query: a request that reads nothing opens none, and a
   * malformed bookmark is refused (400 invalid_bookmark) where the answer still gets its CORS headers.
   */
  client(): D1DatabaseSession
  /** The session's bookmark after all the request did; null if it ran no query. */
  bookmark(): string | null
}

/**
 * One request's D1 session. `primary`: its first query goes to the primary, as writes and every request
 * that decides money must. Otherwise the nearest replica that is at least at the client's bookmark (any
 * replica without one): reads may then lag writes made elsewhere, never those the bookmark carries.
 */
export function requestSession(
  d1: D1Database,
  { primary, bookmark }: { primary: boolean; bookmark: string | undefined },
): RequestSession {
  let session: D1DatabaseSession | undefined
  return {
    client() {
      if (!session) {
        if (bookmark !== undefined && !(bookmark.length <= MAX_BOOKMARK_LENGTH && BOOKMARK.test(bookmark))) {
          throw new ApiError(
            'invalid_bookmark',
            `${BOOKMARK_HEADER} must be a bookmark this API answered with, sent back unchanged`,
          )
        }
        session = d1.withSession(primary ? 'first-primary' : (bookmark ?? 'first-unconstrained'))
      }
      return session
    },
    bookmark: () => session?.getBookmark() ?? null,
  }
}
