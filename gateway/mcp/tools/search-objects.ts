// search_objects: a page of live objects of one type, filtered and ordered (the GraphQL API's
// `objects`, objects/object-page.ts), with the cursor of the next page.
import { z } from 'zod';
import type { GatewayLimits } from '../../config.ts';
import { readObjectPage } from '../../objects/object-page.ts';
import { filterOf, objectOutputOf } from '../object-output.ts';
import { objectFilterInput, objectOrderInput, objectOutput } from '../object-schemas.ts';
import { defineTool } from '../tool-definition.ts';

const DEFAULT_PAGE = 20;

export function searchObjectsTool(limits: GatewayLimits) {
  return defineTool({
    name: 'search_objects',
    title: 'Search objects',
    description:
      'Lists live objects of one type, filtered by property conditions and ordered, one page at a time. ' +
      'Pass `nextCursor` of a page as `after` for the next one. Sensitive property values are withheld unless the token has the operator or admin role.',
    readOnly: true,
    idempotent: true,
    input: z.strictObject({
      type: z.string().min(1).max(100).describe('The object type (describe_types lists them), e.g. "Pump".'),
      where: objectFilterInput.optional(),
      orderBy: objectOrderInput.optional(),
      first: z.number().int().min(1).max(limits.maxPageSize).describe(`Objects per page, 1 to ${limits.maxPageSize} (default ${DEFAULT_PAGE}).`).optional(),
      after: z.string().min(1).max(4096).describe('The `nextCursor` of the previous page.').optional(),
    }),
    output: z.object({
      objects: z.array(objectOutput),
      hasNextPage: z.boolean(),
      nextCursor: z.string().nullable().describe('Pass as `after` for the next page; null on the last page.'),
    }),
    async run(input, { scope }) {
      const page = await readObjectPage(scope, {
        type: input.type,
        where: filterOf(input.where) ?? null,
        orderBy: input.orderBy ?? null,
        first: input.first ?? DEFAULT_PAGE,
        after: input.after ?? null,
      });
      const catalog = await scope.catalog();
      const objects = page.nodes.map((object) => objectOutputOf(object, catalog, scope));
      return {
        structured: { objects, hasNextPage: page.pageInfo.hasNextPage, nextCursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null },
        summary: `${objects.length} ${input.type} object(s)${page.pageInfo.hasNextPage ? '; more follow (pass nextCursor as after)' : ''}.`,
      };
    },
  });
}
