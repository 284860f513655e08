import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser, TEST_PASSWORD } from '../../helpers/factories'

describe('POST /api/auth/register', () => {
  it('creates an account and returns a working token', async () => {
    const email = `new-${crypto.randomUUID()}@example.test`
    const res = await api('POST', '/api/auth/register', {
      body: { email, password: 'a long password', name: 'Ann' },
    })
    expect(res.status).toBe(201)
    expect(res.body.user).toMatchObject({ email, name: 'Ann', role: 'user' })
    expect(res.body.user.id).toMatch(/^usr_/)
    expect(res.body.user).not.toHaveProperty('password_hash')
    const me = await api('GET', '/api/me', { token: res.body.token })
    expect(me.status).toBe(200)
    expect(me.body.id).toBe(res.body.user.id)
  })

  it('lists every failing field', async () => {
    const res = await api('POST', '/api/auth/register', { body: { email: 'nope', password: 'short' } })
    const problem = expectProblem(res, 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['body.email', 'body.name', 'body.password'])
  })

  it('refuses a second account for the same email, whatever its case', async () => {
    const user = await createUser()
    const res = await api('POST', '/api/auth/register', {
      body: { email: user.email.toUpperCase(), password: 'a long password', name: 'Dup' },
    })
    expectProblem(res, 409, 'email_taken')
  })

  it('settles concurrent registrations of one email in the database', async () => {
    const email = `race-${crypto.randomUUID()}@example.test`
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        api('POST', '/api/auth/register', { body: { email, password: 'a long password', name: 'Racer' } }),
      ),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409, 'email_taken')
  })
})

describe('POST /api/auth/login', () => {
  it('returns a token for the right password', async () => {
    const user = await createUser()
    const res = await api('POST', '/api/auth/login', { body: { email: user.email, password: TEST_PASSWORD } })
    expect(res.status).toBe(200)
    expect(res.body.user.id).toBe(user.id)
    expect(typeof res.body.token).toBe('string')
  })

  it('refuses a wrong password and an unknown email alike', async () => {
    const user = await createUser()
    const wrong = await api('POST', '/api/auth/login', {
      body: { email: user.email, password: 'not it at all' },
    })
    const unknown = await api('POST', '/api/auth/login', {
      body: { email: 'nobody@example.test', password: TEST_PASSWORD },
    })
    expect(expectProblem(wrong, 401, 'invalid_credentials').detail).toBe(
      expectProblem(unknown, 401, 'invalid_credentials').detail,
    )
  })

  it('names missing fields', async () => {
    const problem = expectProblem(
      await api('POST', '/api/auth/login', { body: {} }),
      400,
      'validation_failed',
    )
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['body.email', 'body.password'])
  })
})

describe('ill-formed Unicode', () => {
  it('refuses passwords and names with lone surrogates, which would collapse when hashed or stored', async () => {
    const email = `surrogate-${crypto.randomUUID()}@example.test`
    const body = `{"email":"${email}","password":"long enough \\ud800 password","name":"Lone \\udc00"}`
    const problem = expectProblem(await api('POST', '/api/auth/register', { body }), 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['body.name', 'body.password'])
    const pair =
      '{"email":"' + email + '","password":"emoji \\ud83c\\udfb8 is fine here","name":"Gil \\ud83c\\udfb8"}'
    expect((await api('POST', '/api/auth/register', { body: pair })).status).toBe(201)
  })
})
