import { openApiDocument } from './api'

export type JsonSchema = Record<string, any>

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: JsonSchema
}

/** One operation of the app's OpenAPI document, with `$ref`s resolved. */
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The OpenAPI path template, e.g. `/api/rentals/{id}`. */
  path: string
  key: string
  secured: boolean
  pathParams: Parameter[]
  queryParams: Parameter[]
  body?: { schema: JsonSchema; required: boolean }
}

/**
 * Reads the OpenAPI document as a client would read /openapi.json, so that every route the app serves is
 * enumerated and a new route is covered by the suites that use this without anyone listing it.
 */
export async function loadOperations(): Promise<Operation[]> {
  const document = (await openApiDocument()) as JsonSchema
  const resolve = (schema: JsonSchema | undefined): JsonSchema => {
    if (!schema) return {}
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/components/schemas/', '')
      return resolve(document.components.schemas[name])
    }
    return schema
  }
  const operations: Operation[] = []
  for (const [path, methods] of Object.entries(
    document.paths as Record<string, Record<string, JsonSchema>>,
  )) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = ((operation.parameters ?? []) as Parameter[]).map((p) => ({
        ...p,
        schema: resolve(p.schema),
      }))
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        key: `${method.toUpperCase()} ${path}`,
        secured: Array.isArray(operation.security) && operation.security.length > 0,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: bodySchema
          ? { schema: resolveDeep(bodySchema, resolve), required: operation.requestBody.required === true }
          : undefined,
      })
    }
  }
  return operations
}

function resolveDeep(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): JsonSchema {
  const resolved = resolve(schema)
  if (resolved.type !== 'object' || !resolved.properties) return resolved
  const properties = Object.fromEntries(
    Object.entries(resolved.properties as Record<string, JsonSchema>).map(([name, s]) => [name, resolve(s)]),
  )
  return { ...resolved, properties }
}

/** Fills a path template: `/api/rentals/{id}` with `{ id: 'rnt_1' }`. Values are inserted as given (pre-encoded). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`)
    return value
  })
}
