// Load generation: autocannon for single endpoints, a closed-loop driver for the multi-step payment flow.
import autocannon from 'autocannon'

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN

/** Fixed duration, fixed connections; answers req/s, latency percentiles (ms) and every kind of error. */
export async function hammer({
  url,
  method = 'GET',
  path,
  headers = {},
  body,
  setupRequest,
  connections,
  duration,
}) {
  const result = await autocannon({
    url: url + path,
    method,
    headers,
    body,
    connections,
    duration,
    requests: setupRequest ? [{ method, path, setupRequest }] : undefined,
  })
  return {
    requests_per_second: result.requests.average,
    requests: result.requests.total,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
  }
}

/**
 * `connections` loops, each running `flow()` back to back until `duration` seconds have passed. A flow is
 * several dependent requests (book, initiate, pay at "Stripe", confirm), so it is timed as a whole.
 */
export async function runFlows({ flow, connections, duration }) {
  const latencies = []
  let errors = 0
  let firstError
  const deadline = performance.now() + duration * 1000
  const started = performance.now()
  const loop = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now()
      try {
        await flow()
        latencies.push(performance.now() - begun)
      } catch (error) {
        errors += 1
        firstError ??= String(error?.message ?? error)
      }
    }
  }
  await Promise.all(Array.from({ length: connections }, loop))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    flows_per_second: latencies.length / elapsed,
    flows: latencies.length,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    max_ms: latencies.at(-1) ?? NaN,
    errors,
    first_error: firstError,
  }
}
