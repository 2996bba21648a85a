// Objects and links as the tools return them: named by type and external id, their sensitive
// properties redacted for callers who may not read them (objects/redaction.ts, the same rule as
// the GraphQL API's).
import { GatewayError } from '../errors.ts';
import { toGlobalId } from '../global-id.ts';
import type { ObjectFilterInput } from '../objects/object-filter.ts';
import { redactProperties } from '../objects/redaction.ts';
import type { RequestScope } from '../request-scope.ts';
import type { Catalog } from '../sql/catalog.ts';
import type { LinkRecord } from '../sql/links.ts';
import type { ObjectRecord } from '../sql/objects.ts';
import type { LinkOutput, ObjectFilterJson, ObjectOutput } from './object-schemas.ts';

export function objectOutputOf(object: ObjectRecord, catalog: Catalog, scope: RequestScope): ObjectOutput {
  const type = catalog.objectTypeById(object.objectTypeId);
  if (type === undefined) throw new GatewayError('INTERNAL', `object type ${object.objectTypeId} of an object is missing from the catalog`);
  const { properties, redacted } = redactProperties(object.properties, type.sensitiveNames, scope.canReadSensitive);
  return {
    id: toGlobalId('OntologyObject', object.id),
    type: type.name,
    externalId: object.externalId,
    version: object.version,
    properties,
    redacted: [...redacted],
    updatedAt: object.updatedAt.toISOString(),
  };
}

/** A link whose endpoints the caller has read (`objects` by row id). */
export function linkOutputOf(link: LinkRecord, objects: ReadonlyMap<string, ObjectRecord>, catalog: Catalog, scope: RequestScope): LinkOutput {
  const type = catalog.linkTypeById(link.linkTypeId);
  const from = link.fromObject ?? objects.get(link.fromObjectId);
  const to = link.toObject ?? objects.get(link.toObjectId);
  if (type === undefined || from === undefined || to === undefined) throw new GatewayError('INTERNAL', `link ${link.id} refers to a type or object that was not read`);
  const { properties, redacted } = redactProperties(link.properties, type.sensitiveNames, scope.canReadSensitive);
  const ref = (object: ObjectRecord) => ({ type: catalog.objectTypeById(object.objectTypeId)?.name ?? '', id: object.externalId });
  return { linkType: type.name, from: ref(from), to: ref(to), properties, redacted: [...redacted] };
}

/** The filter as the shared compiler takes it (updatedSince as a Date, as the GraphQL scalar gives it). */
export function filterOf(filter: ObjectFilterJson | undefined): ObjectFilterInput | undefined {
  if (filter === undefined) return undefined;
  return {
    ...filter,
    updatedSince: filter.updatedSince === undefined ? undefined : new Date(filter.updatedSince),
    and: filter.and?.map((nested) => filterOf(nested)!),
    or: filter.or?.map((nested) => filterOf(nested)!),
    not: filterOf(filter.not),
  };
}
