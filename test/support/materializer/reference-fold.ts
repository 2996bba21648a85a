// The test oracle of the ontology materializer: an in-memory fold of the rules in
// docs/adr/0004-materializer-semantics.md. The exactly-once tests feed the same events to the
// processor and to this fold and compare Postgres with the result row for row, so this file
// follows the ADR literally and shares nothing with the processor but the pure validation
// (property-validation.ts) and the entity keys (entity-keys.ts).

import type { LinkChange } from '../../../contracts/generated/link-change.ts';
import type { ObjectChange } from '../../../contracts/generated/object-change.ts';
import type { EntityKind } from '../../../contracts/generated/ontology-changed.ts';
import type { PropertyDef, TypeDefChange, TypeDefKind } from '../../../contracts/generated/type-def-change.ts';
import { kafkaKey, linkEntityId, objectEntityId, typeDefEntityId } from '../../../processors/materializer/entity-keys.ts';
import { parseAndValidateProperties, validateEmbedding } from '../../../processors/materializer/property-validation.ts';
import type { PropertyDefinition } from '../../../processors/materializer/property-validation.ts';

/** One input record, tagged with the topic it is read from. */
export type WorkloadEvent =
  | { topic: 'typedefs'; value: TypeDefChange }
  | { topic: 'objects'; value: ObjectChange }
  | { topic: 'links'; value: LinkChange };

export interface FoldedObject {
  tenantId: string;
  objectType: string;
  objectId: string;
  properties: Record<string, unknown>;
  embedding: number[] | null;
  version: number;
  /** Null only for an object L3 actions wrote and L2 never did (never the case in the fold). */
  sourceVersion: number | null;
  deleted: boolean;
}

export interface FoldedLink {
  tenantId: string;
  linkType: string;
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
  properties: Record<string, unknown>;
  version: number;
  sourceVersion: number | null;
  deleted: boolean;
  /** True while an endpoint object has no row (the link waits in `pending_links`). */
  pending: boolean;
}

/** What one applied change writes to the outbox (the fields the fold can know). */
export interface FoldedChange {
  tenantId: string;
  entityKind: EntityKind;
  /** The entity part of `key`: objectEntityId, linkEntityId or typeDefEntityId (entity-keys.ts). */
  entityId: string;
  /** kafkaKey(tenantId, entityId). */
  key: string;
  op: 'UPSERT' | 'DELETE';
  version: number;
}

/**
 * Why an event was dead-lettered. The first four are the ADR's; TYPE_IN_USE and INVALID_DEFINITION
 * cover the definitions the database would refuse (deleting a type still referenced, changing
 * a link type's endpoints under its links, a definition without its body or with names the
 * schema's CHECKs reject).
 */
export type DeadLetterReason =
  | 'UNKNOWN_TYPE'
  | 'INVALID_PROPERTIES'
  | 'INVALID_EMBEDDING'
  | 'INVALID_LINK'
  | 'TYPE_IN_USE'
  | 'INVALID_DEFINITION';

export interface FoldedDeadLetter {
  eventId: string;
  reason: DeadLetterReason;
}

export interface FoldResult {
  /** Keyed by kafkaKey(tenantId, objectEntityId(objectType, objectId)). */
  objects: Map<string, FoldedObject>;
  /** Keyed by kafkaKey(tenantId, linkEntityId(...)); pending and not. */
  links: Map<string, FoldedLink>;
  /** One per applied change, in the order the changes were applied. */
  changes: FoldedChange[];
  /** Events (of every topic) whose version was not higher than the stored one. */
  ignoredOld: number;
  deadLettered: FoldedDeadLetter[];
}

// Type and property names as the schema's CHECKs allow them (migrations/0002).
const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

interface TypeDefState {
  version: number;
  // A deleted definition keeps its version, so an older UPSERT arriving later stays ignored.
  deleted: boolean;
  propertyDefs: PropertyDefinition[];
  fromType: string;
  toType: string;
}

class Fold {
  readonly result: FoldResult = { objects: new Map(), links: new Map(), changes: [], ignoredOld: 0, deadLettered: [] };
  // kafkaKey(tenant, typeDefEntityId(kind, name)) -> state.
  private readonly typeDefs = new Map<string, TypeDefState>();
  // Object key -> keys of the pending links that wait (also) for that object's row.
  private readonly waiting = new Map<string, Set<string>>();

  apply(event: WorkloadEvent): void {
    switch (event.topic) {
      case 'typedefs':
        return this.applyTypeDef(event.value);
      case 'objects':
        return this.applyObject(event.value);
      case 'links':
        return this.applyLink(event.value);
    }
  }

  private applyTypeDef(change: TypeDefChange): void {
    const { tenantId, kind, name } = change;
    // ADR 0004 also has the first definition create the tenant's `tenants` row; the fold has
    // no tenant state to keep (a tenant without definitions can hold nothing anyway).
    const key = kafkaKey(tenantId, typeDefEntityId(kind, name));
    const stored = this.typeDefs.get(key);
    if (stored !== undefined && change.version <= stored.version) {
      this.result.ignoredOld++;
      return;
    }

    if (change.op === 'DELETE') {
      const inUse = stored === undefined || stored.deleted ? undefined : this.usesOf(tenantId, kind, name);
      if (inUse !== undefined) return this.deadLetter(change.eventId, 'TYPE_IN_USE', inUse);
      this.typeDefs.set(key, { version: change.version, deleted: true, propertyDefs: [], fromType: '', toType: '' });
      return this.recordChange(tenantId, kind, typeDefEntityId(kind, name), 'DELETE', change.version);
    }

    let next: TypeDefState;
    if (kind === 'OBJECT_TYPE') {
      if (change.objectType === null) return this.deadLetter(change.eventId, 'INVALID_DEFINITION', 'objectType is null');
      const invalid = invalidNames(name, change.objectType.properties);
      if (invalid !== undefined) return this.deadLetter(change.eventId, 'INVALID_DEFINITION', invalid);
      next = { version: change.version, deleted: false, propertyDefs: toDefinitions(change.objectType.properties), fromType: '', toType: '' };
    } else if (kind === 'LINK_TYPE') {
      const linkType = change.linkType;
      if (linkType === null) return this.deadLetter(change.eventId, 'INVALID_DEFINITION', 'linkType is null');
      const invalid = invalidNames(name, linkType.properties);
      if (invalid !== undefined) return this.deadLetter(change.eventId, 'INVALID_DEFINITION', invalid);
      for (const endpoint of [linkType.fromType, linkType.toType]) {
        if (this.liveTypeDef(tenantId, 'OBJECT_TYPE', endpoint) === undefined) {
          return this.deadLetter(change.eventId, 'UNKNOWN_TYPE', `endpoint object type ${endpoint} is not defined`);
        }
      }
      // links.link_type_fkey includes the endpoint types: they cannot change under existing links.
      const live = stored === undefined || stored.deleted ? undefined : stored;
      if (live !== undefined && (live.fromType !== linkType.fromType || live.toType !== linkType.toType)) {
        const inUse = this.usesOf(tenantId, kind, name);
        if (inUse !== undefined) return this.deadLetter(change.eventId, 'TYPE_IN_USE', `endpoint types changed but ${inUse}`);
      }
      next = {
        version: change.version,
        deleted: false,
        propertyDefs: toDefinitions(linkType.properties),
        fromType: linkType.fromType,
        toType: linkType.toType,
      };
    } else {
      if (change.tool === null) return this.deadLetter(change.eventId, 'INVALID_DEFINITION', 'tool is null');
      next = { version: change.version, deleted: false, propertyDefs: [], fromType: '', toType: '' };
    }
    this.typeDefs.set(key, next);
    this.recordChange(tenantId, kind, typeDefEntityId(kind, name), 'UPSERT', change.version);
  }

  private applyObject(change: ObjectChange): void {
    const { tenantId, objectType, objectId } = change;
    const type = this.liveTypeDef(tenantId, 'OBJECT_TYPE', objectType);
    if (type === undefined) {
      return this.deadLetter(change.eventId, 'UNKNOWN_TYPE', `object type ${objectType} is not defined`);
    }
    let properties: Record<string, unknown> = {};
    let embedding: number[] | null = null;
    if (change.op === 'UPSERT') {
      const validation = parseAndValidateProperties(type.propertyDefs, change.properties, objectType);
      if (!validation.ok) return this.deadLetter(change.eventId, 'INVALID_PROPERTIES', problemsText(validation.problems));
      const problem = validateEmbedding(change.embedding);
      if (problem !== undefined) return this.deadLetter(change.eventId, 'INVALID_EMBEDDING', problem);
      properties = validation.properties;
      embedding = change.embedding;
    }

    const entityId = objectEntityId(objectType, objectId);
    const key = kafkaKey(tenantId, entityId);
    const stored = this.result.objects.get(key);
    if (stored !== undefined && isNotNewer(change.sourceVersion, stored.sourceVersion)) {
      this.result.ignoredOld++;
      return;
    }
    const version = (stored?.version ?? 0) + 1;
    this.result.objects.set(key, {
      tenantId,
      objectType,
      objectId,
      properties,
      embedding,
      version,
      sourceVersion: change.sourceVersion,
      deleted: change.op === 'DELETE',
    });
    this.recordChange(tenantId, 'OBJECT', entityId, change.op, version);
    if (stored === undefined) this.promoteLinksWaitingFor(key);
  }

  private applyLink(change: LinkChange): void {
    const { tenantId, linkType, from, to } = change;
    const type = this.liveTypeDef(tenantId, 'LINK_TYPE', linkType);
    if (type === undefined) {
      return this.deadLetter(change.eventId, 'UNKNOWN_TYPE', `link type ${linkType} is not defined`);
    }
    if (from.objectType !== type.fromType || to.objectType !== type.toType) {
      return this.deadLetter(
        change.eventId,
        'INVALID_LINK',
        `link type ${linkType} joins ${type.fromType} to ${type.toType}, not ${from.objectType} to ${to.objectType}`,
      );
    }
    let properties: Record<string, unknown> = {};
    if (change.op === 'UPSERT') {
      const validation = parseAndValidateProperties(type.propertyDefs, change.properties, linkType);
      if (!validation.ok) return this.deadLetter(change.eventId, 'INVALID_PROPERTIES', problemsText(validation.problems));
      properties = validation.properties;
    }

    const entityId = linkEntityId(linkType, from.objectType, from.objectId, to.objectType, to.objectId);
    const key = kafkaKey(tenantId, entityId);
    const stored = this.result.links.get(key);
    if (stored !== undefined && isNotNewer(change.sourceVersion, stored.sourceVersion)) {
      this.result.ignoredOld++;
      return;
    }
    const fromKey = kafkaKey(tenantId, objectEntityId(from.objectType, from.objectId));
    const toKey = kafkaKey(tenantId, objectEntityId(to.objectType, to.objectId));
    const pending = !this.result.objects.has(fromKey) || !this.result.objects.has(toKey);
    const version = (stored?.version ?? 0) + 1;
    this.result.links.set(key, {
      tenantId,
      linkType,
      fromType: from.objectType,
      fromId: from.objectId,
      toType: to.objectType,
      toId: to.objectId,
      properties,
      version,
      sourceVersion: change.sourceVersion,
      // ADR 0004: "DELETE keeps a tombstone", emptied like an object's.
      deleted: change.op === 'DELETE',
      pending,
    });
    if (pending) {
      for (const endpoint of [fromKey, toKey]) {
        if (this.result.objects.has(endpoint)) continue;
        let keys = this.waiting.get(endpoint);
        if (keys === undefined) this.waiting.set(endpoint, (keys = new Set()));
        keys.add(key);
      }
    }
    this.recordChange(tenantId, 'LINK', entityId, change.op, version);
  }

  // ADR 0004: when an object row is created, the pending links whose endpoints now both exist
  // move into `links`, keeping their version and state.
  private promoteLinksWaitingFor(objectKey: string): void {
    const keys = this.waiting.get(objectKey);
    if (keys === undefined) return;
    this.waiting.delete(objectKey);
    for (const key of keys) {
      const link = this.result.links.get(key);
      if (link === undefined || !link.pending) continue;
      const fromKey = kafkaKey(link.tenantId, objectEntityId(link.fromType, link.fromId));
      const toKey = kafkaKey(link.tenantId, objectEntityId(link.toType, link.toId));
      if (this.result.objects.has(fromKey) && this.result.objects.has(toKey)) link.pending = false;
    }
  }

  private liveTypeDef(tenantId: string, kind: TypeDefKind, name: string): TypeDefState | undefined {
    const state = this.typeDefs.get(kafkaKey(tenantId, typeDefEntityId(kind, name)));
    return state === undefined || state.deleted ? undefined : state;
  }

  // What keeps a definition from being deleted (rows that reference it, tombstones included,
  // as the foreign keys count them), or undefined.
  private usesOf(tenantId: string, kind: TypeDefKind, name: string): string | undefined {
    if (kind === 'OBJECT_TYPE') {
      for (const object of this.result.objects.values()) {
        if (object.tenantId === tenantId && object.objectType === name) return `object type ${name} still has objects`;
      }
      for (const [key, state] of this.typeDefs) {
        if (state.deleted || !key.startsWith(`${tenantId}:LINK_TYPE/`)) continue;
        if (state.fromType === name || state.toType === name) return `object type ${name} is an endpoint of link type ${key.slice(key.indexOf('/') + 1)}`;
      }
    } else if (kind === 'LINK_TYPE') {
      for (const link of this.result.links.values()) {
        if (link.tenantId === tenantId && link.linkType === name) return `link type ${name} still has links`;
      }
    }
    return undefined;
  }

  private recordChange(tenantId: string, entityKind: EntityKind, entityId: string, op: 'UPSERT' | 'DELETE', version: number): void {
    this.result.changes.push({ tenantId, entityKind, entityId, key: kafkaKey(tenantId, entityId), op, version });
  }

  // `detail` is what the processor's dlq.error.message would say; the fold keeps only the
  // reason, which is what the tests compare, but the calls document each refusal.
  private deadLetter(eventId: string, reason: DeadLetterReason, _detail: string): void {
    this.result.deadLettered.push({ eventId, reason });
  }
}

/**
 * Applies `events` in the given order (which, per key, is the order the processor sees them)
 * with the rules of ADR 0004 and returns the resulting state, the outbox changes, the number
 * of events ignored as old and the dead letters.
 */
export function foldEvents(events: readonly WorkloadEvent[]): FoldResult {
  const fold = new Fold();
  for (const event of events) fold.apply(event);
  return fold.result;
}

// ADR 0004: "An event whose sourceVersion is lower than or equal to the stored one changes
// nothing." A row without a source version (written by L3 actions only) takes any L2 change.
function isNotNewer(sourceVersion: number, stored: number | null): boolean {
  return stored !== null && sourceVersion <= stored;
}

function toDefinitions(defs: readonly PropertyDef[]): PropertyDefinition[] {
  return defs.map(({ name, dataType, required }) => ({ name, dataType, required }));
}

function invalidNames(typeName: string, defs: readonly PropertyDef[]): string | undefined {
  if (!API_NAME.test(typeName)) return `type name ${JSON.stringify(typeName)} is not an API name`;
  const seen = new Set<string>();
  for (const def of defs) {
    if (!API_NAME.test(def.name)) return `property name ${JSON.stringify(def.name)} is not an API name`;
    if (seen.has(def.name)) return `property ${def.name} is defined twice`;
    seen.add(def.name);
  }
  return undefined;
}

function problemsText(problems: readonly { property: string; problem: string }[]): string {
  return problems.map(({ property, problem }) => `${property}: ${problem}`).join('; ');
}
