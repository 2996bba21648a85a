// Link.from and Link.to as loaders: the endpoints of every link in a response are read in one
// statement per side. Links that carry their endpoints (adjacency reads, traversals) never get
// here: the resolvers (loaders/index.ts) return those directly.
import { GatewayError } from '../errors.ts';
import type { GatewayContext } from '../request-scope.ts';
import type { LinkRecord } from '../sql/links.ts';
import { objectsByIds, type ObjectRecord } from '../sql/objects.ts';

function endpointLoader(side: 'from' | 'to') {
  return async (queries: { obj: LinkRecord }[], context: GatewayContext): Promise<ObjectRecord[]> => {
    const idOf = (link: LinkRecord) => (side === 'from' ? link.fromObjectId : link.toObjectId);
    const read = new Map((await objectsByIds(context.db, queries.map(({ obj }) => idOf(obj)))).map((object) => [object.id, object]));
    return queries.map(({ obj }) => {
      const object = read.get(idOf(obj));
      // Links are only returned while both endpoints are live, in the same snapshot.
      if (object === undefined) throw new GatewayError('INTERNAL', `the ${side} object of link ${obj.id} is not readable`);
      return object;
    });
  };
}

export const linkFromLoader = endpointLoader('from');
export const linkToLoader = endpointLoader('to');
