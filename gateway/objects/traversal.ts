// `Query.traverse`: breadth first from one object over live links, one statement per level (so
// at most 4 statements plus one for the objects reached), bounded three ways: levels
// (maxDepth <= 4), links expanded per object and level (maxFanOut <= 50, read as maxFanOut + 1 to
// know whether any were left out) and objects reached in all (GATEWAY_MAX_TRAVERSAL_NODES).
import { boundedInt, MAX_TRAVERSAL_DEPTH, MAX_TRAVERSAL_FAN_OUT } from '../size-arguments.ts';
import type { RequestScope } from '../request-scope.ts';
import { adjacentLinks, type LinkDirection, type LinkRecord } from '../sql/links.ts';
import { objectsByIds, type ObjectRecord } from '../sql/objects.ts';
import { linkTypeIdsOf, resolveObjectRef, type ObjectRefInput } from './references.ts';

export interface TraverseArgs {
  readonly from: ObjectRefInput;
  readonly linkTypes?: readonly string[] | null;
  readonly direction?: LinkDirection | null;
  readonly maxDepth?: number | null;
  readonly maxFanOut?: number | null;
}

export interface TraversalResult {
  readonly root: ObjectRecord;
  readonly nodes: readonly { readonly depth: number; readonly object: ObjectRecord }[];
  readonly edges: readonly LinkRecord[];
  readonly truncated: boolean;
}

export async function traverse(scope: RequestScope, args: TraverseArgs): Promise<TraversalResult> {
  const maxDepth = boundedInt('maxDepth', args.maxDepth, 2, 1, MAX_TRAVERSAL_DEPTH);
  const maxFanOut = boundedInt('maxFanOut', args.maxFanOut, 10, 1, MAX_TRAVERSAL_FAN_OUT);
  const maxNodes = scope.limits.maxTraversalNodes;
  const direction = args.direction ?? 'OUT';
  const linkTypeIds = await linkTypeIdsOf(scope, args.linkTypes);
  const root = await resolveObjectRef(scope, args.from);

  const depthOf = new Map<string, number>([[root.id, 0]]);
  const edges = new Map<string, LinkRecord>();
  let truncated = false;
  let frontier = [root.id];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth += 1) {
    const adjacent = await adjacentLinks(scope.db, frontier, { direction, linkTypeIds, limit: maxFanOut + 1 });
    const next: string[] = [];
    for (const source of frontier) {
      let links = adjacent.get(source) ?? [];
      if (links.length > maxFanOut) {
        truncated = true;
        links = links.slice(0, maxFanOut);
      }
      for (const link of links) {
        const neighbour = link.fromObjectId === source ? link.toObjectId : link.fromObjectId;
        if (!depthOf.has(neighbour)) {
          if (depthOf.size >= maxNodes) {
            truncated = true;
            continue;
          }
          depthOf.set(neighbour, depth);
          next.push(neighbour);
        }
        edges.set(link.id, link);
      }
    }
    frontier = next;
  }

  const objects = new Map((await objectsByIds(scope.db, [...depthOf.keys()].slice(1))).map((object) => [object.id, object]));
  objects.set(root.id, root);
  const nodes = [...depthOf].flatMap(([id, depth]) => {
    const object = objects.get(id);
    return object === undefined ? [] : [{ depth, object }];
  });
  return {
    root,
    nodes,
    edges: [...edges.values()].map((link) => ({ ...link, fromObject: objects.get(link.fromObjectId), toObject: objects.get(link.toObjectId) })),
    truncated,
  };
}
