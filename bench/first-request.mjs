// `npm run bench:first-request`: what a new isolate's first requests cost. The start-up (`npm run bundle:size`)
// evaluates only src/index.ts and src/app.ts; the core every request shares (hono, zod, drizzle, the
// settings, the middleware) and each group of routes are loaded by the first request that needs them
// (src/app.ts, API_GROUPS). Each run starts a fresh workerd (so a fresh isolate) with the minified bench build,
// then times, from this process, each request of the sequence below twice in a row: the first pays what it
// loads, the second is the warm figure. Prints the least of RUNS runs (default 7) for each.
import { benchToken, buildWorkers, seed, startServer } from './serve.mjs'
import { benchDataSet } from './seed.mjs'

const RUNS = Number(process.env.RUNS ?? 7)
const SEQUENCE = ['/api/listings', '/api/me', '/api/payments?limit=20', '/api/rentals?limit=20', '/nowhere']

await buildWorkers({ minify: true })
const set = benchDataSet(100)
const token = await benchToken(set.alice)
const timings = new Map(SEQUENCE.map((path) => [path, { first: Infinity, second: Infinity, status: 0 }]))
for (let run = 0; run < RUNS; run++) {
  const server = await startServer()
  await seed(server.db, set.statements)
  for (const path of SEQUENCE) {
    const figures = timings.get(path)
    for (const which of ['first', 'second']) {
      const started = performance.now()
      const response = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } })
      await response.arrayBuffer()
      figures[which] = Math.min(figures[which], performance.now() - started)
      figures.status = response.status
    }
  }
  await server.mf.dispose()
}
console.log(`first and second request of a fresh isolate, in this order (least of ${RUNS} runs, ms):`)
for (const [path, { first, second, status }] of timings)
  console.log(
    `  GET ${path.padEnd(24)} ${status}  first ${first.toFixed(1).padStart(6)}  second ${second.toFixed(1).padStart(6)}`,
  )
