import { describe, expect, it } from 'vitest'
import { errorCodes, type ErrorCode } from '../../src/lib/errors'
import { openApiDocument } from '../helpers/api'

/*
 * The reference (/openapi.json, rendered at /docs) is complete: every field of every request body and success
 * answer carries an example, and every error an operation declares carries an example body of its code.
 * That each operation declares every problem it really answers is checked by every test that sees one
 * (test/helpers/declared-problems.ts).
 */

type Schema = Record<string, any>

let document: Schema

const resolve = (schema: Schema): Schema =>
  schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema

/** Fields (dotted paths) with nothing to show: no example, enum or const, and not a boolean. */
function undocumentedFields(schema: Schema, where: string, seen = new Set<Schema>()): string[] {
  const node = resolve(schema)
  if (!node || seen.has(node)) return []
  seen.add(node)
  if ('example' in node || 'examples' in node || 'enum' in node || 'const' in node) return []
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    if (node[key]) return node[key].flatMap((part: Schema) => undocumentedFields(part, where, seen))
  if (node.properties) {
    return Object.entries(node.properties as Record<string, Schema>).flatMap(([name, property]) =>
      undocumentedFields(property, `${where}.${name}`, seen),
    )
  }
  if (node.type === 'array') return undocumentedFields(node.items, `${where}[]`, seen)
  if (node.type === 'boolean' || node.type === 'object') return []
  return [where]
}

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, Schema>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  )

describe('the OpenAPI document', () => {
  it('shows an example for every field of every request body and success answer', async () => {
    document = await openApiDocument()
    const missing = operations().flatMap(({ key, operation }) => {
      const body = operation.requestBody?.content?.['application/json']?.schema
      const answers = Object.entries(operation.responses as Record<string, Schema>)
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([status, response]) =>
          response.content?.['application/json']
            ? undocumentedFields(response.content['application/json'].schema, `${key} ${status}`)
            : [],
        )
      return [...(body ? undocumentedFields(body, `${key} body`) : []), ...answers]
    })
    expect(missing).toEqual([])
  })

  it('declares for every operation only problem statuses that match their codes, each with an example', async () => {
    document = await openApiDocument()
    for (const { key, operation } of operations()) {
      const problems = Object.entries(operation.responses as Record<string, Schema>).filter(
        ([, response]) => response.content?.['application/problem+json'],
      )
      expect(problems.length, key).toBeGreaterThan(0)
      for (const [status, response] of problems) {
        const examples = response.content['application/problem+json'].examples as Record<string, Schema>
        expect(Object.keys(examples).length, `${key} ${status}`).toBeGreaterThan(0)
        for (const [code, example] of Object.entries(examples)) {
          expect(errorCodes[code as ErrorCode], `${key} ${status} ${code}`).toBe(Number(status))
          expect(example.value).toMatchObject({ code, status: Number(status) })
        }
      }
    }
  })

  it('no longer lists every error status on every route', async () => {
    document = await openApiDocument()
    const me = document.paths['/api/me'].get.responses
    expect(Object.keys(me).sort()).toEqual(['200', '400', '401', '404', '429', '500'])
    expect(Object.keys(me['401'].content['application/problem+json'].examples).sort()).toEqual([
      'invalid_token',
      'unauthorized',
    ])
  })
})
