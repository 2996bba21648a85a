// OntologyObject.links as a loader: the links of every object on a page are read in one
// statement (a LATERAL join per object keeps each object's own limit), not one per object.
// Queries with different arguments are grouped and read one statement per group.
import { boundedInt } from '../size-arguments.ts';
import type { GatewayContext } from '../request-scope.ts';
import { linkTypeIdsOf } from '../objects/references.ts';
import { adjacentLinks, type LinkDirection, type LinkRecord } from '../sql/links.ts';
import type { ObjectRecord } from '../sql/objects.ts';

export interface LinksParams {
  readonly linkType?: string | null;
  readonly direction?: LinkDirection | null;
  readonly first?: number | null;
}

interface NormalizedParams {
  readonly linkType: string | null;
  readonly direction: LinkDirection;
  readonly first: number;
}

export async function objectLinksLoader(queries: { obj: ObjectRecord; params: LinksParams }[], context: GatewayContext): Promise<LinkRecord[][]> {
  const groups = new Map<string, { params: NormalizedParams; ids: string[] }>();
  const keys = queries.map(({ obj, params }) => {
    const normalized: NormalizedParams = {
      linkType: params.linkType ?? null,
      direction: params.direction ?? 'BOTH',
      first: boundedInt('first', params.first, 20, 1, context.limits.maxPageSize),
    };
    const key = JSON.stringify(normalized);
    const group = groups.get(key) ?? { params: normalized, ids: [] };
    group.ids.push(obj.id);
    groups.set(key, group);
    return key;
  });
  const results = new Map<string, Map<string, LinkRecord[]>>();
  for (const [key, { params, ids }] of groups) {
    const linkTypeIds = params.linkType === null ? null : await linkTypeIdsOf(context, [params.linkType]);
    results.set(key, await adjacentLinks(context.db, ids, { direction: params.direction, linkTypeIds, limit: params.first }));
  }
  return queries.map(({ obj }, index) => results.get(keys[index]!)?.get(obj.id) ?? []);
}
