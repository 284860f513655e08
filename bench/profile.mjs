// `npm run bench:profile -- [path]`: a CPU profile of the API worker (unminified bench build, 1k rentals) under
// 10 connections for 5 s, through workerd's inspector; prints the functions with the most self and total time.
import { benchToken, buildWorkers, startServer, seed } from './serve.mjs'
import { benchDataSet } from './seed.mjs'
import { hammer } from './load.mjs'
await buildWorkers({ minify: false })
const server = await startServer({ inspectorPort: 9339 })
const set = benchDataSet(1000)
await seed(server.db, set.statements)
const tok = await benchToken(set.alice)
const path = process.argv[2] ?? '/api/payments?limit=20'
const targets = await (await fetch('http://127.0.0.1:9339/json')).json()
const target = targets.find((t) => t.title.includes('backline-bench')) ?? targets[0]
const ws = new WebSocket(target.webSocketDebuggerUrl)
await new Promise((r) => ws.addEventListener('open', r))
let id = 0
const pending = new Map()
ws.addEventListener('message', (e) => {
  const m = JSON.parse(e.data)
  if (m.id && pending.has(m.id)) {
    pending.get(m.id)(m)
    pending.delete(m.id)
  }
})
const send = (method, params = {}) =>
  new Promise((r) => {
    const i = ++id
    pending.set(i, r)
    ws.send(JSON.stringify({ id: i, method, params }))
  })
const opts = { url: server.url, path, headers: { authorization: 'Bearer ' + tok }, connections: 10 }
await hammer({ ...opts, duration: 2 })
await send('Profiler.enable')
await send('Profiler.setSamplingInterval', { interval: 200 })
await send('Profiler.start')
const r = await hammer({ ...opts, duration: 5 })
const { result } = await send('Profiler.stop')
console.log(r)
const p = result.profile
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const self = new Map()
const total = p.samples.length
for (const s of p.samples) {
  const n = byId.get(s)
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
  self.set(k, (self.get(k) ?? 0) + 1)
}
// inclusive by function name
const parent = new Map()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const incl = new Map()
for (const s of p.samples) {
  const seen = new Set()
  let cur = s
  while (cur) {
    const n = byId.get(cur)
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
    if (!seen.has(k)) {
      seen.add(k)
      incl.set(k, (incl.get(k) ?? 0) + 1)
    }
    cur = parent.get(cur)
  }
}
console.log('samples', total)
console.log('--- self top 30')
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(((100 * v) / total).toFixed(1).padStart(5), k)
console.log('--- inclusive top 50')
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 50))
  console.log(((100 * v) / total).toFixed(1).padStart(5), k)
ws.close()
await server.mf.dispose()
