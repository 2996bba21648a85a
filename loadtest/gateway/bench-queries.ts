// The two queries of the gateway benchmark, written once for each server, and what each answer
// reduces to for the check that both servers returned the same data before anything is timed.
//   flat:   the first FLAT_PAGE Pumps by external id, with their properties and version;
//   nested: three levels of objects: the first NESTED_PAGE Customers, the Sites that link to
//           them (ownedBy), and the Pumps that link to those (installedAt), at most
//           LINKS_PER_OBJECT links per object (NESTED_PAGE * (1 + 5 + 25) objects on this data).
// Both ask by the type's name; links come oldest first (created_at, then id) on both servers.
// The gateway shows a link only while both its endpoints are live; PostGraphile knows nothing of
// that rule, so its query asks for live links only, which is the same set on this data (the
// benchmark deletes nothing).

export const FLAT_PAGE = 100;
export const NESTED_PAGE = 20;
export const LINKS_PER_OBJECT = 5;

export interface BenchQuery {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

export const GATEWAY_QUERIES: Record<'flat' | 'nested', BenchQuery> = {
  flat: {
    query: `query Flat($type: String!, $first: Int!) {
  objects(type: $type, first: $first) { nodes { externalId properties version createdAt } }
}`,
    variables: { type: 'Pump', first: FLAT_PAGE },
  },
  nested: {
    query: `query Nested($type: String!, $first: Int!, $links: Int!) {
  objects(type: $type, first: $first) {
    nodes {
      externalId
      links(direction: IN, first: $links) {
        from {
          externalId
          links(direction: IN, first: $links) { from { externalId } }
        }
      }
    }
  }
}`,
    variables: { type: 'Customer', first: NESTED_PAGE, links: LINKS_PER_OBJECT },
  },
};

const PG_LINKS = 'linksByTenantIdAndToObjectTypeIdAndToObjectId(condition: {deletedAt: null}, orderBy: [CREATED_AT_ASC, ROW_ID_ASC], first: $links)';
const PG_FROM = 'objectByTenantIdAndFromObjectTypeIdAndFromObjectId';

export const POSTGRAPHILE_QUERIES: Record<'flat' | 'nested', BenchQuery> = {
  flat: {
    query: `query Flat($type: String!, $first: Int!) {
  allObjectTypes(condition: {name: $type}) {
    nodes {
      objectsByTenantIdAndObjectTypeId(condition: {deletedAt: null}, orderBy: [EXTERNAL_ID_ASC, ROW_ID_ASC], first: $first) {
        nodes { externalId properties version createdAt }
      }
    }
  }
}`,
    variables: { type: 'Pump', first: FLAT_PAGE },
  },
  nested: {
    query: `query Nested($type: String!, $first: Int!, $links: Int!) {
  allObjectTypes(condition: {name: $type}) {
    nodes {
      objectsByTenantIdAndObjectTypeId(condition: {deletedAt: null}, orderBy: [EXTERNAL_ID_ASC, ROW_ID_ASC], first: $first) {
        nodes {
          externalId
          ${PG_LINKS} {
            nodes {
              ${PG_FROM} {
                externalId
                ${PG_LINKS} { nodes { ${PG_FROM} { externalId } } }
              }
            }
          }
        }
      }
    }
  }
}`,
    variables: { type: 'Customer', first: NESTED_PAGE, links: LINKS_PER_OBJECT },
  },
};

/** What an answer is compared by: the objects in order, each with its properties (flat) or the tree below it (nested). */
export interface Tree {
  readonly externalId: string;
  readonly properties?: unknown;
  readonly below?: readonly Tree[];
}

type Json = Record<string, any>;

export function gatewayTrees(data: Json): Tree[] {
  const node = (object: Json): Tree => ({
    externalId: object.externalId,
    ...(object.properties === undefined ? {} : { properties: object.properties }),
    ...(object.links === undefined ? {} : { below: (object.links as Json[]).map((link) => node(link.from)) }),
  });
  return (data.objects.nodes as Json[]).map(node);
}

export function postgraphileTrees(data: Json): Tree[] {
  const links = 'linksByTenantIdAndToObjectTypeIdAndToObjectId';
  const node = (object: Json): Tree => ({
    externalId: object.externalId,
    ...(object.properties === undefined ? {} : { properties: object.properties }),
    ...(object[links] === undefined ? {} : { below: (object[links].nodes as Json[]).map((link) => node(link[PG_FROM])) }),
  });
  const types = data.allObjectTypes.nodes as Json[];
  return types.flatMap((type) => (type.objectsByTenantIdAndObjectTypeId.nodes as Json[]).map(node));
}

/** Objects in a forest, at every level. */
export function countObjects(trees: readonly Tree[]): number {
  return trees.reduce((sum, tree) => sum + 1 + countObjects(tree.below ?? []), 0);
}
