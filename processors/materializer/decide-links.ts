// Pure decision logic for link changes (docs/adr/0004, "Links"): validation against the link
// type, the version rule, and where the link lives: `links` when both endpoint objects have rows
// (live or tombstone), `pending_links` otherwise. Cardinality (docs/adr/0008): a link UPSERTed
// into a to-one slot supersedes the live link that held it, which is retired as a DELETE.
import type { LinkChange } from '../../contracts/generated/link-change.ts';
import { kafkaKey, linkEntityId } from './entity-keys.ts';
import { parseAndValidateProperties } from './property-validation.ts';
import type { LinkTypeEntry, TypeCatalog } from './type-catalog.ts';

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
  /** The record that caused the change (for a superseded link: the UPSERT that took its slot). */
  readonly source: R;
  readonly event: LinkChange;
  readonly key: string;
  readonly entityId: string;
  readonly after: LinkWrite;
  /** Set when the change retires a link because `supersededBy` (an entity id) took its slot. */
  readonly supersededBy?: string;
}

/** A live link (in `links` or `pending_links`) holding a slot the batch writes into. */
export interface SlotOccupant extends StoredLink {
  readonly linkTypeId: string;
  readonly fromTypeId: string;
  readonly fromId: string;
  readonly toTypeId: string;
  readonly toId: string;
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
 * A to-one slot: (link type, the end that may have one link, that end's object). MANY_TO_ONE
 * limits the `from` end, ONE_TO_MANY the `to` end, ONE_TO_ONE both.
 */
export interface Slot {
  readonly linkTypeId: string;
  readonly end: 'from' | 'to';
  readonly objectTypeId: string;
  readonly objectId: string;
}

export const slotKey = (slot: Slot): string => [slot.linkTypeId, slot.end, slot.objectTypeId, slot.objectId].join('\u0000');

/** The slots a link of `type` from `fromId` to `toId` holds (none for MANY_TO_MANY). */
export function slotsOf(type: LinkTypeEntry, fromId: string, toId: string): Slot[] {
  const slots: Slot[] = [];
  if (type.cardinality === 'MANY_TO_ONE' || type.cardinality === 'ONE_TO_ONE') slots.push({ linkTypeId: type.id, end: 'from', objectTypeId: type.fromTypeId, objectId: fromId });
  if (type.cardinality === 'ONE_TO_MANY' || type.cardinality === 'ONE_TO_ONE') slots.push({ linkTypeId: type.id, end: 'to', objectTypeId: type.toTypeId, objectId: toId });
  return slots;
}

/**
 * `existingEndpoints` holds endpointKey of every object that has a row (after this batch's
 * object changes); `stored` the current link rows by storedLinkKey; `occupants` the live links
 * holding the to-one slots this batch's UPSERTs go into (sql/links.ts loadSlotOccupants), by
 * storedLinkKey.
 */
export function decideLinks<R>(
  tenantId: string,
  events: readonly { source: R; event: LinkChange }[],
  catalog: TypeCatalog,
  stored: ReadonlyMap<string, StoredLink>,
  existingEndpoints: ReadonlySet<string>,
  occupants: ReadonlyMap<string, SlotOccupant> = new Map(),
): LinkDecision<R> {
  const current = new Map<string, StoredLink>(stored);
  for (const [key, occupant] of occupants) if (!current.has(key)) current.set(key, occupant);
  const writes = new Map<string, LinkWrite>();
  const applied: AppliedLinkChange<R>[] = [];
  const rejected: RejectedLink<R>[] = [];
  let ignoredOld = 0;

  // Who holds each to-one slot, kept up to date as the batch's changes are decided in order.
  const typesById = new Map([...catalog.linkTypes.values()].map((type) => [type.id, type]));
  const identities = new Map<string, SlotOccupant>(occupants);
  const holders = new Map<string, Set<string>>();
  const hold = (slot: Slot, key: string) => {
    const set = holders.get(slotKey(slot)) ?? new Set<string>();
    set.add(key);
    holders.set(slotKey(slot), set);
  };
  for (const [key, occupant] of occupants) {
    const type = typesById.get(occupant.linkTypeId);
    if (type !== undefined && !occupant.deleted) for (const slot of slotsOf(type, occupant.fromId, occupant.toId)) hold(slot, key);
  }

  /** Retires the live link `key` whose slot `cause` took: a DELETE keeping its sourceVersion. */
  const supersede = (key: string, cause: AppliedLinkChange<R>) => {
    const before = current.get(key);
    const identity = identities.get(key);
    const type = identity === undefined ? undefined : typesById.get(identity.linkTypeId);
    if (before === undefined || before.deleted || identity === undefined || type === undefined) return;
    const after: LinkWrite = {
      linkTypeId: type.id,
      linkType: type.name,
      fromTypeId: type.fromTypeId,
      fromType: type.fromType,
      fromId: identity.fromId,
      toTypeId: type.toTypeId,
      toType: type.toType,
      toId: identity.toId,
      properties: {},
      version: before.version + 1,
      // The source's version is not the link's to move: a later L2 DELETE of it still applies,
      // and a later L2 UPSERT of it (newer) takes the slot back.
      sourceVersion: before.sourceVersion,
      deleted: true,
      place: before.place,
      previousPlace: (stored.get(key) ?? occupants.get(key))?.place,
    };
    current.set(key, after);
    writes.set(key, after);
    // Retired: it holds none of its slots any more (a ONE_TO_ONE link holds two).
    for (const slot of slotsOf(type, identity.fromId, identity.toId)) holders.get(slotKey(slot))?.delete(key);
    const entityId = linkEntityId(type.name, type.fromType, identity.fromId, type.toType, identity.toId);
    applied.push({ source: cause.source, event: cause.event, key: kafkaKey(tenantId, entityId), entityId, after, supersededBy: cause.entityId });
  };

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
    const change: AppliedLinkChange<R> = { source, event, key: kafkaKey(tenantId, entityId), entityId, after };
    applied.push(change);
    identities.set(key, after);
    for (const slot of slotsOf(type, event.from.objectId, event.to.objectId)) {
      const held = holders.get(slotKey(slot)) ?? new Set<string>();
      held.delete(key);
      if (!after.deleted) {
        for (const other of [...held]) supersede(other, change);
        held.add(key);
      }
      holders.set(slotKey(slot), held);
    }
  }
  return { writes: [...writes.values()], applied, rejected, ignoredOld };
}
