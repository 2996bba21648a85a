// Vector similarity over embeddings (pgvector); the search itself is gateway/objects/similar-objects.ts.
import { similarObjects, type SimilarObjectsArgs } from '../objects/similar-objects.ts';
import type { GatewayContext } from '../request-scope.ts';

export const similarityResolvers = {
  Query: {
    similarObjects: (_root: unknown, args: SimilarObjectsArgs, context: GatewayContext) => similarObjects(context, args),
  },
};
