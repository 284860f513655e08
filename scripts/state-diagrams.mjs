// Writes the state diagrams of docs/API.md from the transition tables (src/domain/state-machines.ts), between
// the `<!-- states:<entity> -->` markers. test/domain/state-diagrams.test.ts fails when the two differ.
import { build } from 'esbuild'
import { readFile, writeFile } from 'node:fs/promises'

const DOC = 'docs/API.md'

const bundled = await build({
  entryPoints: ['src/domain/state-machines.ts'],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
})
const url = `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`
const { stateMachines, stateDiagram } = await import(url)

let doc = await readFile(DOC, 'utf8')
for (const [entity, machine] of Object.entries(stateMachines)) {
  const block = new RegExp(`(<!-- states:${entity} -->\\n)[\\s\\S]*?(<!-- /states:${entity} -->)`)
  if (!block.test(doc)) throw new Error(`${DOC} has no <!-- states:${entity} --> block`)
  doc = doc.replace(block, `$1\n\`\`\`mermaid\n${stateDiagram(machine)}\n\`\`\`\n\n$2`)
}
await writeFile(DOC, doc)
console.log(`${DOC}: ${Object.keys(stateMachines).join(', ')} diagrams written`)
