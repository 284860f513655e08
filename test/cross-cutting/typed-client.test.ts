/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'
import { backline, bookAndStartPaying } from '../../examples/typed-client'
import { callWorker } from '../helpers/api'
import { createListing, createUser, dateFromToday } from '../helpers/factories'

// docs/INTEGRATION.md shows examples/typed-client.ts; these prove the same code runs against the API, and that
// the page shows it unchanged (the type-check is `npm run typecheck`, which includes examples/).
const [example] = Object.values(
  import.meta.glob<string>('../../examples/typed-client.ts', {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
)
const [integration] = Object.values(
  import.meta.glob<string>('../../docs/INTEGRATION.md', { query: '?raw', import: 'default', eager: true }),
)

const throughTheWorker: typeof fetch = (input, init) => callWorker(new Request(input, init))

describe('the typed client of docs/INTEGRATION.md', () => {
  it('books a listing and starts paying for it', async () => {
    const owner = await createUser()
    const renter = await createUser()
    const listing = await createListing(owner, { dailyRate: 2500 })
    const api = backline('https://backline.test', renter.token, throughTheWorker)
    const started = await bookAndStartPaying(api, {
      listingId: listing.id,
      startDate: dateFromToday(40),
      endDate: dateFromToday(43),
    })
    expect(started).toMatchObject({ amount: 7500, currency: 'usd', publishableKey: 'pk_test_emulator' })
    expect(started.rentalId).toMatch(/^rnt_/)
    expect(started.clientSecret).toMatch(/^pi_.+_secret_/)
  })

  it('turns a refusal into the problem code', async () => {
    const renter = await createUser()
    const api = backline('https://backline.test', renter.token, throughTheWorker)
    await expect(
      bookAndStartPaying(api, {
        listingId: 'lst_missing',
        startDate: dateFromToday(40),
        endDate: dateFromToday(41),
      }),
    ).rejects.toThrow('booking refused: listing_not_found')
  })

  it('is the code docs/INTEGRATION.md shows', () => {
    const code = example!.slice(example!.indexOf('import { hc }'))
    expect(integration).toContain(code.trim())
  })
})
