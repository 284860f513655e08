// What test/global-setup.ts (Node) gives the tests in workerd through vitest's provide/inject.
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The OpenAPI document as wrangler's builds write public/openapi.json: built in Node, as JSON text. */
    openApiDocumentFromBuild: string
  }
}
