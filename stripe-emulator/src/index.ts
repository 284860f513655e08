import { type EmulatorEnv, EmulatorState } from './state'

export { EmulatorState }

/** Every request goes to the single Durable Object that holds the emulated Stripe account. */
export default {
  fetch(request: Request, env: EmulatorEnv) {
    return env.STATE.get(env.STATE.idFromName('stripe')).fetch(request)
  },
} satisfies ExportedHandler<EmulatorEnv>
