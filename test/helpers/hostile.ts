import fc from 'fast-check'
import { errorCodes, ProblemSchema } from '../../src/lib/errors'
import { MAX_BODY_BYTES } from '../../src/middleware/json-body'
import type { ApiResponse } from './api'
import type { JsonSchema } from './operations'

/** Strings that have broken parsers, validators, SQL and templates somewhere. */
export const nastyStrings = [
  '',
  ' ',
  '\t\r\n',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x1F',
  '1_000',
  '١٢٣',
  '9007199254740993',
  "' OR '1'='1",
  "'; DROP TABLE payments; --",
  '" OR ""="',
  '1; SELECT * FROM users',
  'rnt_1 UNION SELECT password_hash FROM users',
  '%',
  '%25',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202Egnp.exe',
  'مرحبا بالعالم',
  'שלום',
  '🎸🥁🎹👩‍👩‍👧‍👦',
  '\uD800',
  '\uDFFF',
  'a\uD83Db',
  '\uFEFF',
  '\u200B',
  'Z̴̛͚a̷l̸g̵o̶',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'rnt_',
  'lst_',
  'pay_',
  'pi_',
  'usr_',
  'ins_',
  `rnt_${'a'.repeat(65)}`,
  `pi_${'a'.repeat(300)}`,
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9999-12-31',
  '2026-1-1',
  '2026-01-01T00:00:00Z',
  '+002026-01-01',
  'user@',
  '@example.test',
  'a@b',
]

export const nastyNumbers = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  1.0000001,
  2 ** 31,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  100_000_001,
  1e21,
  1e308,
  -1e308,
  5e-324,
]

/** JSON texts that are malformed, odd, or valid only in ways a careless parser mishandles. */
export const rawJsonTexts = [
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'nul',
  'tru',
  '{"a":1}garbage',
  '\uFEFF{}',
  '{"a":01}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":1e400}',
  '{"a":-0}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"\\x41"}',
  '"just a string"',
  '123',
  'null',
  '[]',
  '{}',
  '{"a":1,"a":2}',
  '{"__proto__":{"role":"admin","status":"active","amount":1}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
  ' ',
  '\u0000',
]

const nastyKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'status',
  'amount',
  'owner_id',
  'renter_id',
  'role',
  'id',
  'created_at',
  'platform_fee',
  '',
  '\u0000',
  '🎸',
)

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...nastyStrings), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  // Any UTF-16 code unit, lone surrogates included (JSON.stringify escapes them as \udXXX).
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.integer({ min: 250, max: 5_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
)

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...nastyNumbers),
  fc.integer(),
  fc.double(),
)

const leaf: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null))

/** Any JSON value, hostile leaves, hostile keys, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown
  array: unknown[]
  object: object
}>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(nastyKeys, fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
})).value

/** Raw bodies: malformed JSON, deep nesting, sizes just under and over the body limit. */
export const hostileRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...rawJsonTexts),
  fc.integer({ min: 1_000, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1_000, max: 6_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.integer({ min: 1_000, max: 20_000 }).map((depth) => '['.repeat(depth)),
  fc
    .integer({ min: MAX_BODY_BYTES - 200, max: MAX_BODY_BYTES + 200 })
    .map((size) => JSON.stringify({ name: 'x'.repeat(Math.max(0, size - 12)) })),
  fc
    .integer({ min: MAX_BODY_BYTES / 4 - 50, max: MAX_BODY_BYTES / 4 + 50 })
    .map((n) => JSON.stringify({ title: '🎸'.repeat(n) })),
  hostileValue.map((value) => JSON.stringify(value) ?? 'null'),
)

/**
 * A body shaped like the schema (valid values from `valid`) with at most one field dropped or replaced by a
 * hostile value, plus extra fields: the cases that get furthest into a handler.
 */
export function mutatedBody(
  schema: JsonSchema,
  valid: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<string> {
  const names = Object.keys(schema.properties ?? {})
  const mutation = fc.option(
    fc.tuple(fc.constantFrom(...(names.length ? names : ['_'])), fc.option(hostileValue, { nil: undefined })),
    { freq: 3 },
  )
  const extras = fc.dictionary(fc.oneof(nastyKeys, fc.string({ maxLength: 8 })), hostileValue, { maxKeys: 3 })
  return fc.tuple(valid, mutation, extras).map(([base, change, extra]) => {
    const fields: Record<string, unknown> = { ...base }
    if (change) {
      const [name, value] = change
      if (value === undefined) delete fields[name]
      else fields[name] = value
    }
    // Extras are spliced in as raw text so that a `__proto__` key is an own property of the parsed body.
    const extraText = Object.entries(extra)
      .filter(([key]) => !(key in fields))
      .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`)
    const text = JSON.stringify(fields)
    if (extraText.length === 0) return text
    return `${text.slice(0, -1)}${text === '{}' ? '' : ','}${extraText.join(',')}}`
  })
}

/** Path and query segments: percent-encoded, except lone surrogates (encodeURIComponent throws) as raw WTF-8. */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    let out = ''
    for (const char of value) {
      const unit = char.charCodeAt(0)
      if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
        out += [0xed, 0xa0 | ((unit >> 6) & 0x0f), 0x80 | (unit & 0x3f)]
          .map((byte) => `%${byte.toString(16).toUpperCase()}`)
          .join('')
      } else out += encodeURIComponent(char)
    }
    return out
  }
}

/** Path ids: real ones of the wrong kind, malformed, overlong, SQL-ish, percent-encoded or raw-broken. */
export function hostilePathId(realIds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...realIds), weight: 2 },
    { arbitrary: hostileString.map(encodeSegment), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%C0%AE%C0%AE',
        '%2e%2e',
        '..',
        '.',
        '%2F',
        'a%2Fb',
        '%00',
        '%FF',
      ),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom('rnt', 'pay', 'lst', 'ins', 'usr', 'pi'), fc.integer({ min: 60, max: 10_000 }))
        .map(([prefix, n]) => `${prefix}_${'A'.repeat(n)}`),
      weight: 1,
    },
  )
}

/** A query string from declared and invented parameters: hostile, repeated or huge values. */
export function hostileQuery(declared: string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { arbitrary: fc.constantFrom(...(declared.length ? declared : ['q']), 'cursor'), weight: 3 },
    { arbitrary: hostileString.map((s) => s.slice(0, 30)), weight: 1 },
  )
  // Cursors are base64 of `created_at|id`: well-formed ones with hostile halves reach the SQL.
  const cursor = fc
    .tuple(
      fc.constantFrom('2026-01-01T00:00:00.000Z', '0', '1e400', '+275760-09-13T00:00:00.000Z', 'x'),
      hostileString,
    )
    .map(([at, id]) =>
      btoa(String.fromCharCode(...new TextEncoder().encode(`${at}|${id}`.slice(0, 140)))).replace(/=+$/, ''),
    )
  const value = fc.oneof(
    hostileString,
    cursor,
    hostileNumber.map(String),
    fc.integer({ min: 10_000, max: 60_000 }).map((n) => '9'.repeat(n)),
  )
  return fc.array(fc.tuple(name, value), { maxLength: 6 }).map((pairs) => {
    const text = pairs.map(([key, v]) => `${encodeSegment(key)}=${encodeSegment(v)}`).join('&')
    return text ? `?${text}` : ''
  })
}

/** A printable header value (Headers refuse CR, LF and NUL): what a client can actually send as Authorization. */
export const hostileAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'bearer x.y.z',
    'Basic dXNlcjpwYXNz',
    'Bearer a.b',
    'Bearer ..',
    'Bearer a.b.c.d',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c3JfMSJ9.',
    'Bearer eyJhbGciOiJIUzI1NiJ9.e30.',
    'Bearer eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln',
    `Bearer ${'A'.repeat(8_000)}.${'B'.repeat(8_000)}.C`,
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,300}$/),
  fc
    .stringMatching(/^[A-Za-z0-9_-]{0,200}\.[A-Za-z0-9_-]{0,400}\.[A-Za-z0-9_-]{0,100}$/)
    .map((t) => `Bearer ${t}`),
)

/**
 * What must hold for any answer to any request: no 5xx, and every 4xx is RFC 9457 problem+json that parses
 * with ProblemSchema, whose `status` is the HTTP status and whose `code` is a documented one that maps to it.
 * Returns what is wrong ([] when nothing is).
 */
export function responseViolations(response: ApiResponse): string[] {
  const { status, body, headers } = response
  if (status >= 500) return [`answered ${status}: ${JSON.stringify(body).slice(0, 300)}`]
  if (status < 400) return []
  const problems: string[] = []
  const type = headers.get('content-type') ?? ''
  if (!type.startsWith('application/problem+json')) problems.push(`content-type ${type}`)
  if (typeof body !== 'object' || body === null)
    return [...problems, `body is not an object: ${String(body).slice(0, 200)}`]
  for (const field of ['type', 'title', 'detail', 'request_id'] as const) {
    if (typeof body[field] !== 'string') problems.push(`${field} missing`)
  }
  if (body.status !== status) problems.push(`body.status ${JSON.stringify(body.status)} ≠ ${status}`)
  const parsed = ProblemSchema.safeParse(body)
  if (!parsed.success)
    problems.push(
      `not a Problem: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join(', ')}`,
    )
  const code = body.code as keyof typeof errorCodes
  if (!(code in errorCodes)) problems.push(`undocumented code ${String(code)}`)
  else if (errorCodes[code] !== status)
    problems.push(`code ${code} maps to ${errorCodes[code]}, sent ${status}`)
  if (body.request_id !== headers.get('x-request-id')) problems.push('request_id differs from X-Request-Id')
  if (code === 'validation_failed') {
    const errors = body.errors as { path?: unknown; message?: unknown }[] | undefined
    if (!Array.isArray(errors) || errors.length === 0) problems.push('validation_failed without errors[]')
    else if (errors.some((e) => typeof e.path !== 'string' || typeof e.message !== 'string'))
      problems.push('bad errors[]')
  }
  return problems
}
