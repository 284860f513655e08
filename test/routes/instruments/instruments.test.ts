import { describe, expect, it } from 'vitest'
import { api, expectProblem } from '../../helpers/api'
import { createUser } from '../../helpers/factories'

const strat = { name: 'Fender Stratocaster', category: 'guitar', brand: 'Fender', model: 'American Pro II' }

describe('POST /api/instruments', () => {
  it('adds an instrument to the catalogue', async () => {
    const user = await createUser()
    const res = await api('POST', '/api/instruments', { token: user.token, body: strat })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ ...strat, description: null, created_by: user.id })
    expect(res.body.id).toMatch(/^ins_/)
  })

  it('names every invalid field', async () => {
    const user = await createUser()
    const res = await api('POST', '/api/instruments', {
      token: user.token,
      body: { name: ' ', category: 'theremin', brand: 'x'.repeat(81) },
    })
    const problem = expectProblem(res, 400, 'validation_failed')
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['body.brand', 'body.category', 'body.name'])
  })

  it('requires a token', async () => {
    expectProblem(await api('POST', '/api/instruments', { body: strat }), 401, 'unauthorized')
  })
})

describe('GET /api/instruments/{id}', () => {
  it('is public', async () => {
    const user = await createUser()
    const created = await api('POST', '/api/instruments', { token: user.token, body: strat })
    const res = await api('GET', `/api/instruments/${created.body.id}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(created.body)
  })

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expectProblem(await api('GET', '/api/instruments/ins_doesnotexist'), 404, 'instrument_not_found')
    const problem = expectProblem(
      await api('GET', '/api/instruments/lst_wrongkind'),
      400,
      'validation_failed',
    )
    expect(problem.errors?.[0]?.path).toBe('path.id')
  })
})
