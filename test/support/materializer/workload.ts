// A deterministic workload for the materializer's exactly-once tests: every case of
// docs/adr/0004-materializer-semantics.md (new versions, repeats, out-of-order versions,
// tombstones, revivals, pending and promoted links, links that stay pending), generated from a
// seed so that a failing run can be replayed exactly. Only valid events: poison input is
// tested on its own.

import type { LinkChange, ObjectRef } from '../../../contracts/generated/link-change.ts';
import type { ObjectChange } from '../../../contracts/generated/object-change.ts';
import type { PropertyDataType, PropertyDef, TypeDefChange } from '../../../contracts/generated/type-def-change.ts';
import { kafkaKey, linkEntityId, objectEntityId } from '../../../processors/materializer/entity-keys.ts';
import { EMBEDDING_DIMENSION } from '../../../processors/materializer/property-validation.ts';
import type { WorkloadEvent } from './reference-fold.ts';
import { mulberry32 } from '../../../runtime/seeded-random.ts';

export type { WorkloadEvent } from './reference-fold.ts';

export interface WorkloadOptions {
  seed: number;
  tenants: readonly string[];
  /** Total number of events; at least the type definitions are generated whatever it is. */
  events: number;
}

/** The Kafka record key of `event` (ARCHITECTURE §2), built with entity-keys.ts. */
export function workloadKey(event: WorkloadEvent): string {
  switch (event.topic) {
    case 'typedefs':
      // Definitions are keyed by tenant alone, so they keep their order (contracts/topics.ts).
      return event.value.tenantId;
    case 'objects':
      return kafkaKey(event.value.tenantId, objectEntityId(event.value.objectType, event.value.objectId));
    case 'links': {
      const { tenantId, linkType, from, to } = event.value;
      return kafkaKey(tenantId, linkEntityId(linkType, from.objectType, from.objectId, to.objectType, to.objectId));
    }
  }
}

/**
 * Whether two embeddings are the same vector(384) value: pgvector stores float4, so components
 * are compared after rounding to float32 (its text output is the shortest decimal that reads
 * back as the same float4, not the double that went in).
 */
export function embeddingEquals(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (Math.fround(a[i]!) !== Math.fround(b[i]!)) return false;
  }
  return true;
}

// The ontology every tenant gets. Pump gains `vendor` in version 2.
type ObjectTypeName = 'Site' | 'Pump' | 'Sensor';
type LinkTypeName = 'installedAt' | 'monitors';

const OBJECT_TYPES: Record<ObjectTypeName, readonly [string, PropertyDataType, boolean][]> = {
  Site: [
    ['name', 'STRING', true],
    ['region', 'STRING', false],
    ['openedOn', 'DATE', false],
    ['tags', 'STRING_ARRAY', false],
  ],
  Pump: [
    ['serial', 'STRING', true],
    ['ratedFlow', 'NUMBER', false],
    ['stages', 'INTEGER', false],
    ['active', 'BOOLEAN', false],
    ['installedOn', 'TIMESTAMP', false],
    ['spec', 'JSON', false],
    ['readings', 'NUMBER_ARRAY', false],
    ['counters', 'INTEGER_ARRAY', false],
    ['assetId', 'UUID', false],
  ],
  Sensor: [
    ['kind', 'STRING', true],
    ['threshold', 'NUMBER', false],
    ['calibratedOn', 'DATE', false],
  ],
};
const PUMP_V2_PROPERTY: [string, PropertyDataType, boolean] = ['vendor', 'STRING', false];

const LINK_TYPES: Record<LinkTypeName, { from: ObjectTypeName; to: ObjectTypeName; properties: readonly [string, PropertyDataType, boolean][] }> = {
  installedAt: { from: 'Pump', to: 'Site', properties: [['since', 'DATE', false]] },
  monitors: {
    from: 'Sensor',
    to: 'Pump',
    properties: [
      ['primary', 'BOOLEAN', true],
      ['weight', 'NUMBER', false],
    ],
  },
};

// Share of each type among a tenant's objects.
const TYPE_SHARE: readonly [ObjectTypeName, number][] = [
  ['Site', 0.2],
  ['Pump', 0.5],
  ['Sensor', 0.3],
];

// Weights of the kinds of events after the definitions.
const ACTIONS = [
  ['createObject', 22],
  ['updateObject', 22],
  ['deleteObject', 6],
  ['reviveObject', 4],
  ['deleteUnseenObject', 1],
  ['repeat', 6],
  ['outOfOrder', 6],
  ['linkExisting', 15],
  ['linkToFutureObject', 3],
  ['linkToGhostObject', 1.5],
  ['updateLink', 4],
  ['deleteLink', 3],
] as const;
type Action = (typeof ACTIONS)[number][0];
const ACTION_WEIGHT_TOTAL = ACTIONS.reduce((sum, [, weight]) => sum + weight, 0);

// Source versions advance in steps of 10; an out-of-order event takes a value in between, so it
// is older than the latest and never equal to a version already sent.
const VERSION_STEP = 10;
const EMBEDDING_SHARE = 0.1;
const EPOCH = Date.UTC(2025, 0, 1);
const ACTOR = 'ontology-as-code:workload';

interface SourceObject {
  tenantId: string;
  type: ObjectTypeName;
  id: string;
  // Last sourceVersion sent; 0 before the first event.
  sourceVersion: number;
  deleted: boolean;
}

interface SourceLink {
  tenantId: string;
  linkType: LinkTypeName;
  from: ObjectRef;
  to: ObjectRef;
  sourceVersion: number;
  deleted: boolean;
}

interface TenantSource {
  tenantId: string;
  // Ids allocated per type, in creation order; `created` of them have been sent.
  pools: Record<ObjectTypeName, SourceObject[]>;
  created: Record<ObjectTypeName, number>;
  budget: Record<ObjectTypeName, number>;
  sent: SourceObject[];
  deletedObjects: SourceObject[];
  links: Map<string, SourceLink>;
  linkList: SourceLink[];
  ghosts: number;
  history: WorkloadEvent[];
}

/**
 * Generates `events` events for `tenants` from `seed`; the same options give the same events.
 * First the type definitions of every tenant (version 1, then version 2 of Pump adding the
 * optional `vendor`, then an exact repeat of Pump version 1, which must be ignored); then a
 * mix over about events/8 objects (split between the tenants) of upserts, deletes, repeats,
 * out-of-order versions, revivals, deletes of objects never seen, and links to existing,
 * later and never-arriving objects, link updates and deletes. About 10% of object upserts
 * carry a 384-dimension embedding of float32 values.
 */
export function generateWorkload(options: WorkloadOptions): WorkloadEvent[] {
  return new WorkloadGenerator(options).generate();
}

class WorkloadGenerator {
  private readonly random: () => number;
  private readonly out: WorkloadEvent[] = [];
  private readonly tenants: TenantSource[];
  private readonly total: number;

  constructor(options: WorkloadOptions) {
    this.random = mulberry32(options.seed);
    this.total = options.events;
    const objectsPerTenant = Math.max(6, Math.round(options.events / 8 / Math.max(1, options.tenants.length)));
    this.tenants = options.tenants.map((tenantId) => {
      const pools = { Site: [], Pump: [], Sensor: [] } as Record<ObjectTypeName, SourceObject[]>;
      const budget = {} as Record<ObjectTypeName, number>;
      for (const [type, share] of TYPE_SHARE) {
        budget[type] = Math.max(2, Math.round(objectsPerTenant * share));
        for (let i = 0; i < budget[type]; i++) {
          pools[type].push({ tenantId, type, id: `${type.toLowerCase()}-${String(i).padStart(6, '0')}`, sourceVersion: 0, deleted: false });
        }
      }
      return {
        tenantId,
        pools,
        created: { Site: 0, Pump: 0, Sensor: 0 },
        budget,
        sent: [],
        deletedObjects: [],
        links: new Map(),
        linkList: [],
        ghosts: 0,
        history: [],
      };
    });
  }

  generate(): WorkloadEvent[] {
    for (const tenant of this.tenants) {
      for (const type of Object.keys(OBJECT_TYPES) as ObjectTypeName[]) {
        this.typeDef(tenant, 'OBJECT_TYPE', type, 1, OBJECT_TYPES[type]);
      }
      for (const linkType of Object.keys(LINK_TYPES) as LinkTypeName[]) {
        this.typeDef(tenant, 'LINK_TYPE', linkType, 1, LINK_TYPES[linkType].properties);
      }
    }
    const pumpV1 = this.out.filter((event) => event.topic === 'typedefs' && event.value.name === 'Pump');
    for (const tenant of this.tenants) {
      this.typeDef(tenant, 'OBJECT_TYPE', 'Pump', 2, [...OBJECT_TYPES.Pump, PUMP_V2_PROPERTY]);
    }
    // An older definition arriving after a newer one changes nothing.
    for (const event of pumpV1) this.out.push(structuredClone(event));

    if (this.tenants.length === 0) return this.out;
    while (this.out.length < this.total) {
      const tenant = this.pick(this.tenants);
      const action = this.pickAction();
      // An action that has nothing to act on yet (no deleted object to revive, ...) creates or
      // updates an object instead, which always succeeds.
      if (!this.run(tenant, action) && !this.run(tenant, 'createObject')) this.run(tenant, 'updateObject');
    }
    return this.out;
  }

  private run(tenant: TenantSource, action: Action): boolean {
    switch (action) {
      case 'createObject': {
        const type = this.pickType((type) => tenant.created[type] < tenant.budget[type]);
        if (type === undefined) return false;
        this.objectEvent(tenant, tenant.pools[type][tenant.created[type]]!, 'UPSERT');
        return true;
      }
      case 'updateObject': {
        const live = this.pickWhere(tenant.sent, (object) => !object.deleted);
        if (live === undefined) return false;
        this.objectEvent(tenant, live, 'UPSERT');
        return true;
      }
      case 'deleteObject': {
        const live = this.pickWhere(tenant.sent, (object) => !object.deleted);
        if (live === undefined) return false;
        this.objectEvent(tenant, live, 'DELETE');
        return true;
      }
      case 'reviveObject': {
        const deleted = this.pickWhere(tenant.deletedObjects, (object) => object.deleted);
        if (deleted === undefined) return false;
        this.objectEvent(tenant, deleted, 'UPSERT');
        return true;
      }
      case 'deleteUnseenObject': {
        const type = this.pickType((type) => tenant.created[type] < tenant.budget[type]);
        if (type === undefined) return false;
        this.objectEvent(tenant, tenant.pools[type][tenant.created[type]]!, 'DELETE');
        return true;
      }
      case 'repeat': {
        if (tenant.history.length === 0) return false;
        this.emit(tenant, structuredClone(this.pick(tenant.history)), false);
        return true;
      }
      case 'outOfOrder':
        return this.random() < 0.7 ? this.olderObjectEvent(tenant) : this.olderLinkEvent(tenant);
      case 'linkExisting': {
        const linkType = this.pick(Object.keys(LINK_TYPES) as LinkTypeName[]);
        const { from, to } = LINK_TYPES[linkType];
        const fromObject = this.pickSent(tenant, from);
        const toObject = this.pickSent(tenant, to);
        if (fromObject === undefined || toObject === undefined) return false;
        this.linkEvent(tenant, linkType, ref(fromObject), ref(toObject), 'UPSERT');
        return true;
      }
      case 'linkToFutureObject': {
        const linkType = this.pick(Object.keys(LINK_TYPES) as LinkTypeName[]);
        const { from, to } = LINK_TYPES[linkType];
        // One of the next few objects to be created: it arrives later, and the link waits.
        const futureEnd = this.random() < 0.5 ? 'from' : 'to';
        const futureType = futureEnd === 'from' ? from : to;
        const next = tenant.created[futureType] + this.int(3);
        const future = tenant.pools[futureType][next];
        const other = this.pickSent(tenant, futureEnd === 'from' ? to : from);
        if (future === undefined || other === undefined) return false;
        const [fromRef, toRef] = futureEnd === 'from' ? [ref(future), ref(other)] : [ref(other), ref(future)];
        this.linkEvent(tenant, linkType, fromRef, toRef, 'UPSERT');
        return true;
      }
      case 'linkToGhostObject': {
        const linkType = this.pick(Object.keys(LINK_TYPES) as LinkTypeName[]);
        const { from, to } = LINK_TYPES[linkType];
        const other = this.pickSent(tenant, from);
        if (other === undefined) return false;
        // Never created: the link stays pending for good.
        const ghost: ObjectRef = { objectType: to, objectId: `${to.toLowerCase()}-ghost-${tenant.ghosts++}` };
        this.linkEvent(tenant, linkType, ref(other), ghost, 'UPSERT');
        return true;
      }
      case 'updateLink': {
        if (tenant.linkList.length === 0) return false;
        const link = this.pick(tenant.linkList);
        this.linkEvent(tenant, link.linkType, link.from, link.to, 'UPSERT');
        return true;
      }
      case 'deleteLink': {
        const live = this.pickWhere(tenant.linkList, (link) => !link.deleted);
        if (live === undefined) return false;
        this.linkEvent(tenant, live.linkType, live.from, live.to, 'DELETE');
        return true;
      }
    }
  }

  private objectEvent(tenant: TenantSource, object: SourceObject, op: 'UPSERT' | 'DELETE'): void {
    if (object.sourceVersion === 0) {
      tenant.created[object.type]++;
      tenant.sent.push(object);
      object.sourceVersion = VERSION_STEP * (1 + this.int(3));
    } else {
      object.sourceVersion += VERSION_STEP;
    }
    if (op === 'DELETE' && !object.deleted) tenant.deletedObjects.push(object);
    object.deleted = op === 'DELETE';
    this.emit(tenant, this.objectChange(tenant, object, op, object.sourceVersion), true);
  }

  // A version older than the newest one sent, arriving after it.
  private olderObjectEvent(tenant: TenantSource): boolean {
    const object = this.pickWhere(tenant.sent, (object) => object.sourceVersion > VERSION_STEP);
    if (object === undefined) return false;
    const op = this.random() < 0.7 ? 'UPSERT' : 'DELETE';
    this.emit(tenant, this.objectChange(tenant, object, op, object.sourceVersion - 1 - this.int(VERSION_STEP - 1)), true);
    return true;
  }

  private olderLinkEvent(tenant: TenantSource): boolean {
    const link = this.pickWhere(tenant.linkList, (link) => link.sourceVersion > VERSION_STEP);
    if (link === undefined) return false;
    const op = this.random() < 0.7 ? 'UPSERT' : 'DELETE';
    this.emit(tenant, this.linkChange(tenant, link, op, link.sourceVersion - 1 - this.int(VERSION_STEP - 1)), true);
    return true;
  }

  private objectChange(tenant: TenantSource, object: SourceObject, op: 'UPSERT' | 'DELETE', sourceVersion: number): WorkloadEvent {
    const upsert = op === 'UPSERT';
    const value: ObjectChange = {
      tenantId: tenant.tenantId,
      eventId: this.uuid(),
      op,
      objectType: object.type,
      objectId: object.id,
      properties: upsert ? JSON.stringify(this.objectProperties(object)) : null,
      embedding: upsert && this.random() < EMBEDDING_SHARE ? this.embedding() : null,
      sourceVersion,
      occurredAt: this.occurredAt(),
    };
    return { topic: 'objects', value };
  }

  private linkEvent(tenant: TenantSource, linkType: LinkTypeName, from: ObjectRef, to: ObjectRef, op: 'UPSERT' | 'DELETE'): void {
    const key = linkEntityId(linkType, from.objectType, from.objectId, to.objectType, to.objectId);
    let link = tenant.links.get(key);
    if (link === undefined) {
      link = { tenantId: tenant.tenantId, linkType, from, to, sourceVersion: VERSION_STEP * (1 + this.int(3)), deleted: false };
      tenant.links.set(key, link);
      tenant.linkList.push(link);
    } else {
      link.sourceVersion += VERSION_STEP;
    }
    link.deleted = op === 'DELETE';
    this.emit(tenant, this.linkChange(tenant, link, op, link.sourceVersion), true);
  }

  private linkChange(tenant: TenantSource, link: SourceLink, op: 'UPSERT' | 'DELETE', sourceVersion: number): WorkloadEvent {
    const value: LinkChange = {
      tenantId: tenant.tenantId,
      eventId: this.uuid(),
      op,
      linkType: link.linkType,
      from: { ...link.from },
      to: { ...link.to },
      properties: op === 'UPSERT' ? this.linkProperties(link.linkType) : null,
      sourceVersion,
      occurredAt: this.occurredAt(),
    };
    return { topic: 'links', value };
  }

  private typeDef(
    tenant: TenantSource,
    kind: 'OBJECT_TYPE' | 'LINK_TYPE',
    name: string,
    version: number,
    properties: readonly [string, PropertyDataType, boolean][],
  ): void {
    const defs: PropertyDef[] = properties.map(([propertyName, dataType, required]) => ({
      name: propertyName,
      dataType,
      required,
      indexed: required,
      sensitive: false,
      description: null,
    }));
    const linkType = kind === 'LINK_TYPE' ? LINK_TYPES[name as LinkTypeName] : undefined;
    const value: TypeDefChange = {
      tenantId: tenant.tenantId,
      eventId: this.uuid(),
      op: 'UPSERT',
      kind,
      name,
      version,
      objectType: kind === 'OBJECT_TYPE' ? { description: `${name} objects of the workload`, properties: defs } : null,
      linkType:
        linkType === undefined
          ? null
          : {
              description: `${linkType.from} ${name} ${linkType.to}`,
              fromType: linkType.from,
              toType: linkType.to,
              // The processor may enforce cardinality; MANY_TO_MANY keeps every generated link legal.
              cardinality: 'MANY_TO_MANY',
              properties: defs,
            },
      tool: null,
      actor: ACTOR,
      occurredAt: this.occurredAt(),
    };
    this.out.push({ topic: 'typedefs', value });
  }

  private emit(tenant: TenantSource, event: WorkloadEvent, remember: boolean): void {
    this.out.push(event);
    if (remember) tenant.history.push(event);
  }

  private objectProperties(object: SourceObject): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    // Optional properties are sometimes absent, sometimes null, usually set.
    const optional = (name: string, value: () => unknown) => {
      const roll = this.random();
      if (roll < 0.15) return;
      properties[name] = roll < 0.25 ? null : value();
    };
    switch (object.type) {
      case 'Site':
        properties.name = this.pick(['Plant', 'Depot', 'Station', 'Werk Zürich', '東京 site']) + ` ${object.id}`;
        optional('region', () => this.pick(['eu-west', 'us-east', 'ap-south']));
        optional('openedOn', () => this.date());
        optional('tags', () => Array.from({ length: this.int(4) }, () => this.pick(['critical', 'remote', 'new', 'audited'])));
        break;
      case 'Pump':
        properties.serial = `SN-${this.int(1_000_000)}`;
        optional('ratedFlow', () => this.int(1_000_000) / 100);
        optional('stages', () => 1 + this.int(12));
        optional('active', () => this.random() < 0.5);
        optional('installedOn', () => this.timestamp());
        optional('spec', () => ({ model: `M${this.int(100)}`, limits: [this.int(10), this.int(100) / 4], notes: null }));
        optional('readings', () => Array.from({ length: this.int(5) }, () => Math.round((this.random() - 0.5) * 1e6) / 1e3));
        optional('counters', () => Array.from({ length: this.int(4) }, () => this.int(1_000_000) - 500_000));
        optional('assetId', () => (this.random() < 0.2 ? this.uuid().toUpperCase() : this.uuid()));
        // Defined by Pump version 2, which precedes every object event.
        optional('vendor', () => this.pick(['Grundfos', 'KSB', 'Xylem']));
        break;
      case 'Sensor':
        properties.kind = this.pick(['pressure', 'flow', 'vibration', 'temperature']);
        optional('threshold', () => Math.round((this.random() - 0.3) * 1e5) / 100);
        optional('calibratedOn', () => this.date());
        break;
    }
    return properties;
  }

  private linkProperties(linkType: LinkTypeName): string | null {
    if (linkType === 'installedAt') {
      const roll = this.random();
      // Null properties on UPSERT mean none.
      if (roll < 0.3) return null;
      return JSON.stringify(roll < 0.5 ? {} : { since: this.date() });
    }
    const properties: Record<string, unknown> = { primary: this.random() < 0.5 };
    if (this.random() < 0.6) properties.weight = this.int(1000) / 1000;
    return JSON.stringify(properties);
  }

  private embedding(): number[] {
    // float32 values, so what pgvector stores reads back equal.
    return Array.from({ length: EMBEDDING_DIMENSION }, () => Math.fround(this.random() * 2 - 1));
  }

  private date(): string {
    const year = 2000 + this.int(26);
    const month = 1 + this.int(12);
    // The 29th of February only in leap years: every generated date is valid.
    const leap = year % 4 === 0;
    const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
    return `${year}-${pad(month)}-${pad(1 + this.int(days))}`;
  }

  private timestamp(): string {
    const ms = EPOCH - this.int(10 * 365 * 24 * 3600) * 1000;
    if (this.random() < 0.5) return new Date(ms).toISOString();
    // The same kind of instant with a numeric offset, as RFC 3339 allows.
    const offsetHours = this.int(12);
    const local = new Date(ms + offsetHours * 3600_000).toISOString().slice(0, 19);
    return `${local}+${pad(offsetHours)}:00`;
  }

  private occurredAt(): number {
    return EPOCH + this.out.length * 1000;
  }

  private pickType(allowed: (type: ObjectTypeName) => boolean): ObjectTypeName | undefined {
    const candidates = TYPE_SHARE.filter(([type]) => allowed(type));
    if (candidates.length === 0) return undefined;
    const total = candidates.reduce((sum, [, share]) => sum + share, 0);
    let roll = this.random() * total;
    for (const [type, share] of candidates) {
      roll -= share;
      if (roll < 0) return type;
    }
    return candidates[candidates.length - 1]![0];
  }

  private pickSent(tenant: TenantSource, type: ObjectTypeName): SourceObject | undefined {
    const created = tenant.created[type];
    return created === 0 ? undefined : tenant.pools[type][this.int(created)];
  }

  private pickAction(): Action {
    let roll = this.random() * ACTION_WEIGHT_TOTAL;
    for (const [action, weight] of ACTIONS) {
      roll -= weight;
      if (roll < 0) return action;
    }
    return ACTIONS[ACTIONS.length - 1]![0];
  }

  // A few random probes, then a scan from a random start: uniform enough, and never slow.
  private pickWhere<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
    if (items.length === 0) return undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const item = this.pick(items);
      if (predicate(item)) return item;
    }
    const start = this.int(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[(start + i) % items.length]!;
      if (predicate(item)) return item;
    }
    return undefined;
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private int(bound: number): number {
    return Math.floor(this.random() * bound);
  }

  // A version 4 UUID from the seeded generator, so the workload's eventIds are reproducible.
  private uuid(): string {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i += 4) {
      const word = Math.floor(this.random() * 0x1_0000_0000);
      bytes[i] = word >>> 24;
      bytes[i + 1] = (word >>> 16) & 0xff;
      bytes[i + 2] = (word >>> 8) & 0xff;
      bytes[i + 3] = word & 0xff;
    }
    // RFC 9562 §5.4: version 4, variant 10.
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

function ref(object: SourceObject): ObjectRef {
  return { objectType: object.type, objectId: object.id };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

