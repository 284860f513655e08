import { OpenAPIHono } from '@hono/zod-openapi'
import type { Schema } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError, type FieldError } from '../lib/errors'

type Issue = { path: PropertyKey[]; message: string }

const targetNames: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' }

export function toFieldErrors(target: string, issues: readonly Issue[]): FieldError[] {
  const prefix = targetNames[target] ?? target
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }))
}

/** A router of the API, as createRouter makes it, with the routes `S` (Hono's schema type) on it so far. */
export type Router<S extends Schema = {}> = OpenAPIHono<AppEnv, S>

/** Every router is made here so that validation failures are formatted in one place (docs/ARCHITECTURE.md). */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return
      const errors = toFieldErrors(result.target, result.error.issues)
      throw new ApiError('validation_failed', `Invalid ${errors.map((error) => error.path).join(', ')}`, {
        errors,
      })
    },
  })
}
