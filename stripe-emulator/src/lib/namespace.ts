/** Names a separate emulated Stripe account; without it, every request shares the one named `stripe`. */
export const NAMESPACE_HEADER = 'x-emulator-namespace'
export const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
