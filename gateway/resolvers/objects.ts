// Objects: the paginated list, lookups by external id and by global id, and the fields of
// OntologyObject (type, redacted properties). OntologyObject.links is a loader
// (gateway/loaders/object-links.ts).
import { GatewayError } from '../errors.ts';
import { fromGlobalId, toGlobalId } from '../global-id.ts';
import { readObjectPage, type ObjectsArgs } from '../objects/object-page.ts';
import { redactProperties } from '../objects/redaction.ts';
import type { GatewayContext } from '../request-scope.ts';
import type { ObjectTypeRecord } from '../sql/catalog.ts';
import { objectByExternalId, objectsByIds, type ObjectRecord } from '../sql/objects.ts';

async function typeOf(object: ObjectRecord, context: GatewayContext): Promise<ObjectTypeRecord> {
  const type = (await context.catalog()).objectTypeById(object.objectTypeId);
  // Foreign keys make this impossible short of a bug; say so rather than return a broken object.
  if (type === undefined) throw new GatewayError('INTERNAL', `object type ${object.objectTypeId} of an object is missing from the catalog`);
  return type;
}

async function redacted(object: ObjectRecord, context: GatewayContext) {
  return redactProperties(object.properties, (await typeOf(object, context)).sensitiveNames, context.canReadSensitive);
}

export const objectResolvers = {
  Query: {
    objects: (_root: unknown, args: ObjectsArgs, context: GatewayContext) => readObjectPage(context, args),
    object: async (_root: unknown, args: { type: string; id: string }, context: GatewayContext): Promise<ObjectRecord | null> => {
      // An unknown type and an unknown id look the same: null.
      const type = (await context.catalog()).objectTypeByName(args.type);
      return type === undefined ? null : ((await objectByExternalId(context.db, type.id, args.id)) ?? null);
    },
    node: async (_root: unknown, args: { id: string }, context: GatewayContext): Promise<ObjectRecord | null> => {
      const { id } = fromGlobalId(args.id);
      return (await objectsByIds(context.db, [id]))[0] ?? null;
    },
  },
  Node: {
    // OntologyObject is the only Node so far; a second one would be told apart here.
    resolveType: (): string => 'OntologyObject',
  },
  OntologyObject: {
    id: (object: ObjectRecord): string => toGlobalId('OntologyObject', object.id),
    type: async (object: ObjectRecord, _args: unknown, context: GatewayContext): Promise<string> => (await typeOf(object, context)).name,
    objectType: (object: ObjectRecord, _args: unknown, context: GatewayContext): Promise<ObjectTypeRecord> => typeOf(object, context),
    properties: async (object: ObjectRecord, _args: unknown, context: GatewayContext) => (await redacted(object, context)).properties,
    redacted: async (object: ObjectRecord, _args: unknown, context: GatewayContext) => (await redacted(object, context)).redacted,
  },
};
