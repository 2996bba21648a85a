// list_tools: the tenant's tool catalog, i.e. the action types an agent may propose with
// propose_action (sql/tools.ts), each with the JSON Schema its parameters must satisfy.
import { z } from 'zod';
import { listTools } from '../../sql/tools.ts';
import { defineTool } from '../tool-definition.ts';

export function listToolsTool() {
  return defineTool({
    name: 'list_tools',
    title: 'List proposable actions',
    description:
      "Lists the tenant's tool catalog: the action types propose_action accepts, with the JSON Schema of their parameters, their effects and base risk. " +
      'Latest version of each unless allVersions is true.',
    readOnly: true,
    idempotent: true,
    input: z.strictObject({
      name: z.string().min(1).max(128).describe('Only this action type.').optional(),
      allVersions: z.boolean().describe('Every published version, not only the latest (default false).').optional(),
    }),
    output: z.object({
      tools: z.array(
        z.object({
          name: z.string().describe('The action type, propose_action\'s actionType.'),
          version: z.number().int(),
          description: z.string(),
          parameterSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of propose_action\'s parameters for this action type.'),
          effects: z.record(z.string(), z.unknown()).describe('What executing it does to the ontology (targets and edits).'),
          effectKind: z.string(),
          irreversible: z.boolean(),
          baseRisk: z.string().describe('LOW, MEDIUM, HIGH or CRITICAL before the blast radius is classified.'),
        }),
      ),
    }),
    async run(input, { scope }) {
      const tools = await listTools(scope.db, { name: input.name ?? null, allVersions: input.allVersions === true });
      return {
        structured: {
          tools: tools.map((tool) => ({
            name: tool.name,
            version: tool.version,
            description: tool.description,
            parameterSchema: tool.parameterSchema,
            effects: tool.effects,
            effectKind: tool.effectKind,
            irreversible: tool.irreversible,
            baseRisk: tool.baseRisk,
          })),
        },
        summary: `${tools.length} action type(s): ${tools.map((tool) => `${tool.name}@${tool.version}`).join(', ') || 'none'}.`,
      };
    },
  });
}
