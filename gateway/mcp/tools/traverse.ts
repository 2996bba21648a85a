// traverse: breadth first from one object over live links (objects/traversal.ts), bounded by
// depth (at most 4), links per object and level (at most 50) and objects in all
// (GATEWAY_MAX_TRAVERSAL_NODES); `truncated` says whether a bound left something out.
import { z } from 'zod';
import { traverse } from '../../objects/traversal.ts';
import { MAX_TRAVERSAL_DEPTH, MAX_TRAVERSAL_FAN_OUT } from '../../size-arguments.ts';
import { linkOutputOf, objectOutputOf } from '../object-output.ts';
import { linkOutput, objectOutput, objectRefInput } from '../object-schemas.ts';
import { defineTool } from '../tool-definition.ts';

export function traverseTool() {
  return defineTool({
    name: 'traverse',
    title: 'Traverse links',
    description:
      'Walks the link graph breadth first from one object and returns the objects reached (with their depth) and the links walked. ' +
      `Bounded: maxDepth 1 to ${MAX_TRAVERSAL_DEPTH}, maxFanOut (links followed per object and level) 1 to ${MAX_TRAVERSAL_FAN_OUT}, and a cap on objects in all; truncated is true when a bound left links or objects out.`,
    readOnly: true,
    idempotent: true,
    input: z.strictObject({
      from: objectRefInput.describe('Where to start.'),
      linkTypes: z.array(z.string().min(1).max(100)).min(1).max(50).describe('Only follow links of these types (default: every link type).').optional(),
      direction: z.enum(['OUT', 'IN', 'BOTH']).describe('OUT (default): links from the object; IN: links to it; BOTH.').optional(),
      maxDepth: z.number().int().min(1).max(MAX_TRAVERSAL_DEPTH).describe(`Levels to walk, 1 to ${MAX_TRAVERSAL_DEPTH} (default 2).`).optional(),
      maxFanOut: z.number().int().min(1).max(MAX_TRAVERSAL_FAN_OUT).describe(`Links followed per object and level, 1 to ${MAX_TRAVERSAL_FAN_OUT} (default 10).`).optional(),
    }),
    output: z.object({
      root: objectOutput,
      nodes: z.array(z.object({ depth: z.number().int(), object: objectOutput })).describe('Every object reached, the root included (depth 0), in the order reached.'),
      edges: z.array(linkOutput).describe('The links walked, each once.'),
      truncated: z.boolean(),
    }),
    async run(input, { scope }) {
      const result = await traverse(scope, {
        from: input.from,
        linkTypes: input.linkTypes ?? null,
        direction: input.direction ?? null,
        maxDepth: input.maxDepth ?? null,
        maxFanOut: input.maxFanOut ?? null,
      });
      const catalog = await scope.catalog();
      const objects = new Map(result.nodes.map((node) => [node.object.id, node.object]));
      const nodes = result.nodes.map((node) => ({ depth: node.depth, object: objectOutputOf(node.object, catalog, scope) }));
      // A link is walked only to objects that were read, so both ends are in `objects`.
      const edges = result.edges.filter((link) => objects.has(link.fromObjectId) && objects.has(link.toObjectId)).map((link) => linkOutputOf(link, objects, catalog, scope));
      return {
        structured: { root: objectOutputOf(result.root, catalog, scope), nodes, edges, truncated: result.truncated },
        summary: `${nodes.length} object(s) and ${edges.length} link(s) from ${input.from.type} ${input.from.id}${result.truncated ? ' (truncated by a limit)' : ''}.`,
      };
    },
  });
}
