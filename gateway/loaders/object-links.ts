// OntologyObject.links as a loader: the links of every object on a page are read in one
// statement (a LATERAL join per object keeps each object's own limit), not one per object.
// Queries with different arguments are grouped and read one statement per group; detail
// columns are read only when the field's selection shows them (link-projection.ts).
import { boundedInt } from '../size-arguments.ts';
import type { GatewayContext } from '../request-scope.ts';
import { linkTypeIdsOf } from '../objects/references.ts';
import { adjacentLinks, type LinkDirection, type LinkProjection, type LinkRecord } from '../sql/links.ts';
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

export interface LinksQuery {
  readonly obj: ObjectRecord;
  readonly params: LinksParams;
  /** The columns the field's selection needs (link-projection.ts). */
  readonly projection: LinkProjection;
}

export async function objectLinksLoader(queries: LinksQuery[], context: GatewayContext): Promise<LinkRecord[][]> {
  const groups = new Map<string, { params: NormalizedParams; ids: string[]; linkDetails: boolean; farDetails: boolean }>();
  const keys = queries.map(({ obj, params, projection }) => {
    const normalized: NormalizedParams = {
      linkType: params.linkType ?? null,
      direction: params.direction ?? 'BOTH',
      first: boundedInt('first', params.first, 20, 1, context.limits.maxPageSize),
    };
    const key = JSON.stringify(normalized);
    const group = groups.get(key) ?? { params: normalized, ids: [], linkDetails: false, farDetails: false };
    group.ids.push(obj.id);
    // One statement per group reads what any of its fields needs.
    group.linkDetails ||= projection.linkDetails;
    group.farDetails ||= projection.farDetails;
    groups.set(key, group);
    return key;
  });
  const results = new Map<string, Map<string, LinkRecord[]>>();
  for (const [key, { params, ids, linkDetails, farDetails }] of groups) {
    const linkTypeIds = params.linkType === null ? null : await linkTypeIdsOf(context, [params.linkType]);
    results.set(key, await adjacentLinks(context.db, ids, { direction: params.direction, linkTypeIds, limit: params.first, projection: { linkDetails, farDetails } }));
  }
  return queries.map(({ obj }, index) => results.get(keys[index]!)?.get(obj.id) ?? []);
}
