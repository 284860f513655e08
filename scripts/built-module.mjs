// Helpers of the scripts that build the Worker's own copies of packages (build-zod, build-drizzle,
// build-stripe): each bundles a package with esbuild, loads the result in Node to check it, and only then
// writes it where wrangler.toml's [alias] points.
import { build } from 'esbuild'
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FOR_WORKERD } from './bundle-worker.mjs'
import { writeIfChanged } from './write-if-changed.mjs'

/**
 * `entry` (a module's text) bundled into one ES module as wrangler resolves packages for workerd, not written:
 * its code, and the input files that put code in it.
 */
export async function bundlePackage(entry, outfile, plugins) {
  const result = await build({
    stdin: { contents: entry, resolveDir: '.' },
    outfile,
    bundle: true,
    ...FOR_WORKERD,
    external: ['node:*'],
    plugins,
    metafile: true,
    write: false,
    logLevel: 'warning',
  })
  return { contents: result.outputFiles[0].contents, inputs: bundledInputs(result.metafile) }
}

let imports = 0

/** The module a bundle will be at `outfile`, imported from a file next to it (so its imports resolve alike). */
export async function importBuilt(outfile, contents) {
  // A path of its own each time: Node keeps every module it imported by its URL.
  const path = `${outfile}.check-${process.pid}-${++imports}.mjs`
  writeIfChanged(path, contents)
  return import(pathToFileURL(path).href).finally(() => rmSync(path))
}

/** The input files of an esbuild metafile that put code in the output (the others were tree-shaken). */
export const bundledInputs = (metafile) =>
  Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  )

/** Each TypeScript file of the app's source, as [path, text]. */
export function* sourceFiles(root = 'src') {
  for (const path of readdirSync(root, { recursive: true }))
    if (String(path).endsWith('.ts'))
      yield [join(root, String(path)), readFileSync(join(root, String(path)), 'utf8')]
}
