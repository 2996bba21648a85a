// Objects: the paginated list, lookups by external id and by global id, and the fields of
// OntologyObject (type, redacted properties). OntologyObject.links is a loader
// (gateway/loaders/object-links.ts).
import { GatewayError } from '../errors.ts';
import { fromGlobalId, toGlobalId } from '../global-id.ts';
import { readObjectPage, type ObjectsArgs } from '../objects/object-page.ts';
import { redactProperties } from '../objects/redaction.ts';
import { withCatalog, type GatewayContext } from '../request-scope.ts';
import { connectionNeedsCursors, type SelectionInfo } from '../selection.ts';
import type { Catalog, ObjectTypeRecord } from '../sql/catalog.ts';
import { objectByExternalId, objectsByIds, type ObjectRecord } from '../sql/objects.ts';

function typeIn(catalog: Catalog, object: ObjectRecord): ObjectTypeRecord {
  const type = catalog.objectTypeById(object.objectTypeId);
  // Foreign keys make this impossible short of a bug; say so rather than return a broken object.
  if (type === undefined) throw new GatewayError('INTERNAL', `object type ${object.objectTypeId} of an object is missing from the catalog`);
  return type;
}

function withType<R>(object: ObjectRecord, context: GatewayContext, answer: (type: ObjectTypeRecord) => R): R | Promise<R> {
  return withCatalog(context, (catalog) => answer(typeIn(catalog, object)));
}

function redacted(object: ObjectRecord, context: GatewayContext, type: ObjectTypeRecord) {
  return redactProperties(object.properties, type.sensitiveNames, context.canReadSensitive);
}

export const objectResolvers = {
  Query: {
    objects: (_root: unknown, args: ObjectsArgs, context: GatewayContext, info: SelectionInfo) => readObjectPage(context, args, { cursors: connectionNeedsCursors(info) }),
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
    type: (object: ObjectRecord, _args: unknown, context: GatewayContext) => withType(object, context, (type) => type.name),
    objectType: (object: ObjectRecord, _args: unknown, context: GatewayContext) => withType(object, context, (type) => type),
    properties: (object: ObjectRecord, _args: unknown, context: GatewayContext) => withType(object, context, (type) => redacted(object, context, type).properties),
    redacted: (object: ObjectRecord, _args: unknown, context: GatewayContext) => withType(object, context, (type) => redacted(object, context, type).redacted),
  },
};
