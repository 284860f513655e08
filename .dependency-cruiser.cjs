// Layers of src/, top to bottom; a module may import its own layer and the layers below it, never above, and
// nothing may form a cycle. `npm run lint:deps` checks it (CI runs it). docs/ARCHITECTURE.md explains why.
//   entry      src/index.ts, src/app.ts, src/app-env.ts, src/routes/**, src/middleware/**
//   use-cases  src/use-cases/**      one file per endpoint or sweep, taking the Services of use-cases/context.ts
//   adapters   src/adapters/**       D1 statements and schema, the Stripe client
//   domain     src/domain/**         state machines, access rules, money, dates: pure functions and data
//   base       src/lib/**, src/env.ts   errors, logging, ids, time, settings: imported by everyone
const layer = {
  entry: '^src/(index|app|app-env)[.]ts$|^src/(routes|middleware)/',
  useCases: '^src/use-cases/',
  adapters: '^src/adapters/',
  domain: '^src/domain/',
  base: '^src/(lib/|env[.]ts$)',
}

const mayNotImport = (from, ...above) => ({
  name: `${from}-imports-above`,
  comment: `${from} may not import ${above.join(', ')}`,
  severity: 'error',
  from: { path: layer[from] },
  to: { path: above.map((name) => layer[name]).join('|') },
})

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: split the shared part into a module both can import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    mayNotImport('useCases', 'entry'),
    mayNotImport('adapters', 'entry', 'useCases'),
    mayNotImport('domain', 'entry', 'useCases', 'adapters'),
    mayNotImport('base', 'entry', 'useCases', 'adapters', 'domain'),
    {
      name: 'no-document-in-the-worker',
      comment:
        'The OpenAPI document is built at build time (scripts/build-openapi.mjs), and the Worker has no generator ' +
        '(wrangler.toml [alias]): only src/routes/openapi-document.ts may import what builds it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/routes/openapi-document[.]ts$' },
      to: { path: '^src/routes/(openapi-document|openapi-examples|problem-examples)[.]ts$' },
    },
  ],
  options: {
    // dependency-cruiser does not read TypeScript 7 yet; swc parses the sources instead.
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  },
}
