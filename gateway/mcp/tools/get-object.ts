// get_object: one live object by type and external id, or by its global id. An object of another
// tenant, a deleted one and one that never existed are all NOT_FOUND: the answer is the same, so
// it reveals nothing (row-level security hides the other tenant's rows).
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { fromGlobalId } from '../../global-id.ts';
import { objectByExternalId, objectsByIds, type ObjectRecord } from '../../sql/objects.ts';
import { objectOutputOf } from '../object-output.ts';
import { objectOutput } from '../object-schemas.ts';
import { defineTool } from '../tool-definition.ts';

export function getObjectTool() {
  return defineTool({
    name: 'get_object',
    title: 'Get an object',
    description:
      'Reads one live object: give `type` and its external `id` (e.g. type "Pump", id "p-7"), or only `id` as the global id other results carry in `id`. ' +
      'NOT_FOUND when there is no such object.',
    readOnly: true,
    idempotent: true,
    input: z.strictObject({
      type: z.string().min(1).max(100).describe('The object type; omit it when `id` is a global id.').optional(),
      id: z.string().min(1).max(512).describe('The external id (with `type`), or the global id (without).'),
    }),
    output: z.object({ object: objectOutput }),
    async run(input, { scope }) {
      const catalog = await scope.catalog();
      let object: ObjectRecord | undefined;
      if (input.type === undefined) {
        object = (await objectsByIds(scope.db, [fromGlobalId(input.id).id]))[0];
        if (object === undefined) throw notFound(`no object with global id ${JSON.stringify(input.id)}`);
      } else {
        const type = catalog.objectTypeByName(input.type);
        object = type === undefined ? undefined : await objectByExternalId(scope.db, type.id, input.id);
        if (object === undefined) throw notFound(`no ${input.type} object with id ${JSON.stringify(input.id)}`);
      }
      const output = objectOutputOf(object, catalog, scope);
      return { structured: { object: output }, summary: `${output.type} ${output.externalId} (version ${output.version}).` };
    },
  });
}
