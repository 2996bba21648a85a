// Pure decision logic for link changes (docs/adr/0004, "Links"): validation against the link
// type, the version rule, and where the link lives: `links` when both endpoint objects have rows
// (live or tombstone), `pending_links` otherwise.
import type { LinkChange } from '../../contracts/generated/link-change.ts';
import { kafkaKey, linkEntityId } from './entity-keys.ts';
import { parseAndValidateProperties } from './property-validation.ts';
import type { TypeCatalog } from './type-catalog.ts';

export type LinkPlace = 'links' | 'pending';

export interface StoredLink {
  readonly place: LinkPlace;
  readonly version: number;
  readonly sourceVersion: number;
  readonly deleted: boolean;
}

export interface LinkWrite {
  readonly linkTypeId: string;
  readonly linkType: string;
  readonly fromTypeId: string;
  readonly fromType: string;
  readonly fromId: string;
  readonly toTypeId: string;
  readonly toType: string;
  readonly toId: string;
  readonly properties: Record<string, unknown>;
  readonly version: number;
  readonly sourceVersion: number;
  readonly deleted: boolean;
  /** Where the row must be after the batch; `previousPlace` tells whether it moved. */
  readonly place: LinkPlace;
  readonly previousPlace: LinkPlace | undefined;
}

export interface AppliedLinkChange<R> {
  readonly source: R;
  readonly event: LinkChange;
  readonly key: string;
  readonly entityId: string;
  readonly after: LinkWrite;
}

export interface RejectedLink<R> {
  readonly source: R;
  readonly errorClass: 'UNKNOWN_TYPE' | 'INVALID_LINK' | 'INVALID_PROPERTIES';
  readonly message: string;
}

export interface LinkDecision<R> {
  readonly writes: LinkWrite[];
  readonly applied: AppliedLinkChange<R>[];
  readonly rejected: RejectedLink<R>[];
  readonly ignoredOld: number;
}

export const storedLinkKey = (linkTypeId: string, fromTypeId: string, fromId: string, toTypeId: string, toId: string): string =>
  [linkTypeId, fromTypeId, fromId, toTypeId, toId].join('\u0000');

export const endpointKey = (objectTypeId: string, objectId: string): string => `${objectTypeId}\u0000${objectId}`;

/**
 * `existingEndpoints` holds endpointKey of every object that has a row (after this batch's
 * object changes); `stored` the current link rows by storedLinkKey.
 */
export function decideLinks<R>(
  tenantId: string,
  events: readonly { source: R; event: LinkChange }[],
  catalog: TypeCatalog,
  stored: ReadonlyMap<string, StoredLink>,
  existingEndpoints: ReadonlySet<string>,
): LinkDecision<R> {
  const current = new Map<string, StoredLink>(stored);
  const writes = new Map<string, LinkWrite>();
  const applied: AppliedLinkChange<R>[] = [];
  const rejected: RejectedLink<R>[] = [];
  let ignoredOld = 0;

  for (const { source, event } of events) {
    const type = catalog.linkTypes.get(event.linkType);
    if (!type) {
      rejected.push({ source, errorClass: 'UNKNOWN_TYPE', message: `link type "${event.linkType}" is not defined for tenant ${tenantId}` });
      continue;
    }
    if (event.from.objectType !== type.fromType || event.to.objectType !== type.toType) {
      rejected.push({
        source,
        errorClass: 'INVALID_LINK',
        message: `link type ${type.name} links ${type.fromType} -> ${type.toType}, not ${event.from.objectType} -> ${event.to.objectType}`,
      });
      continue;
    }
    let properties: Record<string, unknown> = {};
    if (event.op === 'UPSERT') {
      const validation = parseAndValidateProperties(type.properties, event.properties, type.name);
      if (!validation.ok) {
        rejected.push({ source, errorClass: 'INVALID_PROPERTIES', message: `${type.name}: ${validation.problems.map((p) => `${p.property}: ${p.problem}`).join('; ')}` });
        continue;
      }
      properties = validation.properties;
    }
    const key = storedLinkKey(type.id, type.fromTypeId, event.from.objectId, type.toTypeId, event.to.objectId);
    const before = current.get(key);
    if (before && event.sourceVersion <= before.sourceVersion) {
      ignoredOld++;
      continue;
    }
    const endpointsExist =
      existingEndpoints.has(endpointKey(type.fromTypeId, event.from.objectId)) && existingEndpoints.has(endpointKey(type.toTypeId, event.to.objectId));
    const original = stored.get(key);
    const after: LinkWrite = {
      linkTypeId: type.id,
      linkType: type.name,
      fromTypeId: type.fromTypeId,
      fromType: type.fromType,
      fromId: event.from.objectId,
      toTypeId: type.toTypeId,
      toType: type.toType,
      toId: event.to.objectId,
      properties,
      version: (before?.version ?? 0) + 1,
      sourceVersion: event.sourceVersion,
      deleted: event.op === 'DELETE',
      // A link already in `links` stays there (its endpoints' rows never disappear).
      place: original?.place === 'links' || endpointsExist ? 'links' : 'pending',
      previousPlace: original?.place,
    };
    current.set(key, after);
    writes.set(key, after);
    const entityId = linkEntityId(type.name, event.from.objectType, event.from.objectId, event.to.objectType, event.to.objectId);
    applied.push({ source, event, key: kafkaKey(tenantId, entityId), entityId, after });
  }
  return { writes: [...writes.values()], applied, rejected, ignoredOld };
}
