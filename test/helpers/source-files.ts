/// <reference types="vite/client" />

/** The app's own source, as text: Vite inlines it at build time, since workerd has no file system. */
export const sourceFiles = import.meta.glob<string>('../../src/**/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
})

export const apiDoc = Object.values(
  import.meta.glob<string>('../../docs/API.md', { query: '?raw', import: 'default', eager: true }),
)[0]!
