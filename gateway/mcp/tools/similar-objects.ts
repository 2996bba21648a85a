// similar_objects: the k nearest live objects by cosine distance of their embeddings (pgvector,
// objects/similar-objects.ts), to an object or to a vector, optionally of one type and filtered.
import { z } from 'zod';
import { EMBEDDING_DIMENSION, similarObjects } from '../../objects/similar-objects.ts';
import { MAX_SIMILAR } from '../../size-arguments.ts';
import { filterOf, objectOutputOf } from '../object-output.ts';
import { objectFilterInput, objectOutput, objectRefInput } from '../object-schemas.ts';
import { defineTool } from '../tool-definition.ts';

export function similarObjectsTool() {
  return defineTool({
    name: 'similar_objects',
    title: 'Similar objects',
    description:
      'Finds the k objects whose embeddings are nearest (cosine distance) to an object (`to`) or to a vector (`vector`); give exactly one. ' +
      `Optionally only objects of one type, filtered like search_objects (where needs type). k is 1 to ${MAX_SIMILAR}.`,
    readOnly: true,
    idempotent: true,
    input: z.strictObject({
      to: objectRefInput.describe('Find objects near this object (it must have an embedding); the object itself is left out.').optional(),
      vector: z.array(z.number()).length(EMBEDDING_DIMENSION).describe(`Find objects near this vector (${EMBEDDING_DIMENSION} numbers).`).optional(),
      type: z.string().min(1).max(100).describe('Only objects of this type.').optional(),
      where: objectFilterInput.optional(),
      k: z.number().int().min(1).max(MAX_SIMILAR).describe(`How many, 1 to ${MAX_SIMILAR} (default 10).`).optional(),
    }),
    output: z.object({
      results: z.array(z.object({ object: objectOutput, distance: z.number().describe('Cosine distance: 0 same direction, 2 opposite.') })).describe('Nearest first.'),
    }),
    async run(input, { scope }) {
      const found = await similarObjects(scope, {
        to: input.to ?? null,
        vector: input.vector ?? null,
        type: input.type ?? null,
        where: filterOf(input.where) ?? null,
        k: input.k ?? null,
      });
      const catalog = await scope.catalog();
      const results = found.map(({ object, distance }) => ({ object: objectOutputOf(object, catalog, scope), distance }));
      return { structured: { results }, summary: `${results.length} similar object(s), nearest first.` };
    },
  });
}
