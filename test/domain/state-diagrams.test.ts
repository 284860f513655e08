import { describe, expect, it } from 'vitest'
import { stateDiagram, stateMachines } from '../../src/domain/state-machines'
import { apiDoc } from '../helpers/source-files'

const block = (entity: string) =>
  apiDoc.match(
    new RegExp(
      `<!-- states:${entity} -->\\s*\`\`\`mermaid\\n([\\s\\S]*?)\\n\`\`\`\\s*<!-- /states:${entity} -->`,
    ),
  )?.[1]

describe("docs/API.md's state diagrams", () => {
  it.each(Object.keys(stateMachines) as (keyof typeof stateMachines)[])(
    'show every %s move of the transition table (npm run docs:states rewrites them)',
    (entity) => {
      const diagram = stateDiagram(stateMachines[entity])
      expect(block(entity)).toBe(diagram)
      expect(diagram.split('\n')).toHaveLength(stateMachines[entity].moves.length + 1)
    },
  )
})
