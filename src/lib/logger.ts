export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/**
 * Structured JSON log lines, one per call, each carrying the request id. Never pass secrets or card data.
 * Lines below `minimum` (the LOG_LEVEL setting) are dropped: `warn` turns the per-request access line off.
 */
export function createLogger(base: Record<string, unknown>, minimum: LogLevel = 'info'): Logger {
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (rank[level] < rank[minimum]) return
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields })
    if (level === 'error') console.error(line)
    else if (level === 'warn') console.warn(line)
    else console.log(line)
  }
  return {
    log,
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  }
}
