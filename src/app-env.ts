import type { AuthUser, Bindings, Settings } from './env'
import type { Logger } from './lib/logger'
import type { Services } from './use-cases/context'

/** The Hono env of every router and middleware: the bindings, and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Bindings
  Variables: {
    requestId: string
    logger: Logger
    settings: Settings
    /** What every use case takes: built once per request (middleware/request-context.ts). */
    services: Services
    user: AuthUser
  }
}
