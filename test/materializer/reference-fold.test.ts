import t from 'tap';
import type { LinkChange } from '../../contracts/generated/link-change.ts';
import type { ObjectChange } from '../../contracts/generated/object-change.ts';
import type { PropertyDataType, TypeDefChange } from '../../contracts/generated/type-def-change.ts';
import { foldEvents } from '../support/materializer/reference-fold.ts';
import type { FoldedLink, FoldedObject, FoldResult, WorkloadEvent } from '../support/materializer/reference-fold.ts';

const TENANT = '6a1f1c52-0b7e-4d55-9a43-8a0f3b1d2c01';
const OTHER_TENANT = '6a1f1c52-0b7e-4d55-9a43-8a0f3b1d2c02';

let eventCounter = 0;
function eventId(): string {
  eventCounter++;
  return `00000000-0000-4000-8000-${eventCounter.toString(16).padStart(12, '0')}`;
}

type Props = [string, PropertyDataType, boolean][];

function objectType(name: string, version: number, properties: Props, tenantId = TENANT): WorkloadEvent {
  const value: TypeDefChange = {
    tenantId,
    eventId: eventId(),
    op: 'UPSERT',
    kind: 'OBJECT_TYPE',
    name,
    version,
    objectType: {
      description: name,
      properties: properties.map(([n, dataType, required]) => ({ name: n, dataType, required, indexed: false, sensitive: false, description: null })),
    },
    linkType: null,
    tool: null,
    actor: 'test',
    occurredAt: 0,
  };
  return { topic: 'typedefs', value };
}

function linkType(name: string, version: number, fromType: string, toType: string, properties: Props = [], tenantId = TENANT): WorkloadEvent {
  const value: TypeDefChange = {
    tenantId,
    eventId: eventId(),
    op: 'UPSERT',
    kind: 'LINK_TYPE',
    name,
    version,
    objectType: null,
    linkType: {
      description: name,
      fromType,
      toType,
      cardinality: 'MANY_TO_MANY',
      properties: properties.map(([n, dataType, required]) => ({ name: n, dataType, required, indexed: false, sensitive: false, description: null })),
    },
    tool: null,
    actor: 'test',
    occurredAt: 0,
  };
  return { topic: 'typedefs', value };
}

function typeDefDelete(kind: TypeDefChange['kind'], name: string, version: number): WorkloadEvent {
  return {
    topic: 'typedefs',
    value: { tenantId: TENANT, eventId: eventId(), op: 'DELETE', kind, name, version, objectType: null, linkType: null, tool: null, actor: 'test', occurredAt: 0 },
  };
}

function upsert(type: string, id: string, sourceVersion: number, properties: object = {}, extra: Partial<ObjectChange> = {}): WorkloadEvent {
  const value: ObjectChange = {
    tenantId: TENANT,
    eventId: eventId(),
    op: 'UPSERT',
    objectType: type,
    objectId: id,
    properties: JSON.stringify(properties),
    embedding: null,
    sourceVersion,
    occurredAt: 0,
    ...extra,
  };
  return { topic: 'objects', value };
}

function remove(type: string, id: string, sourceVersion: number): WorkloadEvent {
  const value: ObjectChange = {
    tenantId: TENANT,
    eventId: eventId(),
    op: 'DELETE',
    objectType: type,
    objectId: id,
    properties: null,
    embedding: null,
    sourceVersion,
    occurredAt: 0,
  };
  return { topic: 'objects', value };
}

function link(
  op: 'UPSERT' | 'DELETE',
  type: string,
  from: [string, string],
  to: [string, string],
  sourceVersion: number,
  properties: object | null = null,
): WorkloadEvent {
  const value: LinkChange = {
    tenantId: TENANT,
    eventId: eventId(),
    op,
    linkType: type,
    from: { objectType: from[0], objectId: from[1] },
    to: { objectType: to[0], objectId: to[1] },
    properties: properties === null ? null : JSON.stringify(properties),
    sourceVersion,
    occurredAt: 0,
  };
  return { topic: 'links', value };
}

// The ontology most scenarios start from: Pumps installed at Sites.
const ONTOLOGY: WorkloadEvent[] = [
  objectType('Site', 1, [['name', 'STRING', true]]),
  objectType('Pump', 1, [
    ['serial', 'STRING', true],
    ['stages', 'INTEGER', false],
  ]),
  linkType('installedAt', 1, 'Pump', 'Site', [['since', 'DATE', false]]),
];

const objectKey = (type: string, id: string, tenantId = TENANT) => `${tenantId}:${type}/${id}`;
const linkKey = (type: string, from: [string, string], to: [string, string]) => `${TENANT}:${type}/${from[0]}/${from[1]}/${to[0]}/${to[1]}`;
const PUMP: [string, string] = ['Pump', 'p1'];
const SITE: [string, string] = ['Site', 's1'];
const INSTALLED = linkKey('installedAt', PUMP, SITE);

function objectOf(result: FoldResult, type: string, id: string): FoldedObject | undefined {
  return result.objects.get(objectKey(type, id));
}

function withoutChanges(result: FoldResult): Pick<FoldResult, 'objects' | 'links'> {
  return { objects: result.objects, links: result.links };
}

t.test('the first UPSERT creates the object at version 1', async (t) => {
  const result = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 5, { serial: 'A', stages: 2 })]);
  t.same(objectOf(result, 'Pump', 'p1'), {
    tenantId: TENANT,
    objectType: 'Pump',
    objectId: 'p1',
    properties: { serial: 'A', stages: 2 },
    embedding: null,
    version: 1,
    sourceVersion: 5,
    deleted: false,
  });
  t.equal(result.ignoredOld, 0);
  t.same(result.deadLettered, []);
});

t.test('the highest sourceVersion wins and version counts applied changes', async (t) => {
  const result = foldEvents([
    ...ONTOLOGY,
    upsert('Pump', 'p1', 1, { serial: 'A' }),
    upsert('Pump', 'p1', 3, { serial: 'C' }),
    upsert('Pump', 'p1', 2, { serial: 'B' }),
    upsert('Pump', 'p1', 7, { serial: 'D' }),
  ]);
  t.match(objectOf(result, 'Pump', 'p1'), { properties: { serial: 'D' }, version: 3, sourceVersion: 7 });
  t.equal(result.ignoredOld, 1, 'the out-of-order version 2 is ignored');
});

t.test('an UPSERT replaces the whole property set', async (t) => {
  const result = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 1, { serial: 'A', stages: 4 }), upsert('Pump', 'p1', 2, { serial: 'B' })]);
  t.same(objectOf(result, 'Pump', 'p1')?.properties, { serial: 'B' });
});

t.test('a repeated event and an equal sourceVersion change nothing', async (t) => {
  const first = upsert('Pump', 'p1', 4, { serial: 'A' });
  const result = foldEvents([...ONTOLOGY, first, structuredClone(first), upsert('Pump', 'p1', 4, { serial: 'other' })]);
  t.match(objectOf(result, 'Pump', 'p1'), { properties: { serial: 'A' }, version: 1 });
  t.equal(result.ignoredOld, 2);
  t.equal(result.changes.filter((change) => change.entityKind === 'OBJECT').length, 1);
});

t.test('DELETE leaves a tombstone that blocks an older UPSERT', async (t) => {
  const result = foldEvents([
    ...ONTOLOGY,
    upsert('Pump', 'p1', 1, { serial: 'A' }, { embedding: new Array<number>(384).fill(0.25) }),
    remove('Pump', 'p1', 5),
    upsert('Pump', 'p1', 3, { serial: 'late' }),
  ]);
  t.same(objectOf(result, 'Pump', 'p1'), {
    tenantId: TENANT,
    objectType: 'Pump',
    objectId: 'p1',
    properties: {},
    embedding: null,
    version: 2,
    sourceVersion: 5,
    deleted: true,
  });
  t.equal(result.ignoredOld, 1);
});

t.test('a DELETE of an object never seen creates the tombstone', async (t) => {
  const result = foldEvents([...ONTOLOGY, remove('Pump', 'p1', 9), upsert('Pump', 'p1', 8, { serial: 'older' })]);
  t.match(objectOf(result, 'Pump', 'p1'), { properties: {}, embedding: null, version: 1, sourceVersion: 9, deleted: true });
  t.equal(result.ignoredOld, 1);
});

t.test('a newer UPSERT revives a deleted object', async (t) => {
  const result = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 1, { serial: 'A' }), remove('Pump', 'p1', 2), upsert('Pump', 'p1', 3, { serial: 'back' })]);
  t.match(objectOf(result, 'Pump', 'p1'), { properties: { serial: 'back' }, version: 3, sourceVersion: 3, deleted: false });
});

t.test('a newer DELETE of a tombstone is still an applied change', async (t) => {
  const result = foldEvents([...ONTOLOGY, remove('Pump', 'p1', 1), remove('Pump', 'p1', 2)]);
  t.match(objectOf(result, 'Pump', 'p1'), { version: 2, sourceVersion: 2, deleted: true });
});

t.test('an embedding is part of the state, and null on UPSERT clears it', async (t) => {
  const embedding = Array.from({ length: 384 }, (_, i) => Math.fround(i / 384));
  const withEmbedding = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 1, { serial: 'A' }, { embedding })]);
  t.same(objectOf(withEmbedding, 'Pump', 'p1')?.embedding, embedding);
  const cleared = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 1, { serial: 'A' }, { embedding }), upsert('Pump', 'p1', 2, { serial: 'A' })]);
  t.equal(objectOf(cleared, 'Pump', 'p1')?.embedding, null);
});

t.test('invalid events are dead-lettered with their reason and change nothing', async (t) => {
  const unknownType = upsert('Valve', 'v1', 1, {});
  const invalidProperties = upsert('Pump', 'p1', 1, { serial: 'A', stages: 1.5 });
  const missingRequired = upsert('Pump', 'p2', 1, { stages: 1 });
  const invalidEmbedding = upsert('Pump', 'p3', 1, { serial: 'A' }, { embedding: [1, 2, 3] });
  const unknownLinkType = link('UPSERT', 'feeds', PUMP, SITE, 1);
  const wrongEndpoints = link('UPSERT', 'installedAt', SITE, PUMP, 1);
  const invalidLinkProperties = link('UPSERT', 'installedAt', PUMP, SITE, 1, { since: '2025-02-30' });
  const deleteOfUnknownType = remove('Valve', 'v1', 2);
  const result = foldEvents([
    ...ONTOLOGY,
    unknownType,
    invalidProperties,
    missingRequired,
    invalidEmbedding,
    unknownLinkType,
    wrongEndpoints,
    invalidLinkProperties,
    deleteOfUnknownType,
  ]);
  t.same(result.deadLettered, [
    { eventId: unknownType.value.eventId, reason: 'UNKNOWN_TYPE' },
    { eventId: invalidProperties.value.eventId, reason: 'INVALID_PROPERTIES' },
    { eventId: missingRequired.value.eventId, reason: 'INVALID_PROPERTIES' },
    { eventId: invalidEmbedding.value.eventId, reason: 'INVALID_EMBEDDING' },
    { eventId: unknownLinkType.value.eventId, reason: 'UNKNOWN_TYPE' },
    { eventId: wrongEndpoints.value.eventId, reason: 'INVALID_LINK' },
    { eventId: invalidLinkProperties.value.eventId, reason: 'INVALID_PROPERTIES' },
    { eventId: deleteOfUnknownType.value.eventId, reason: 'UNKNOWN_TYPE' },
  ]);
  t.equal(result.objects.size, 0);
  t.equal(result.links.size, 0);
  t.equal(result.ignoredOld, 0);
  t.equal(result.changes.length, ONTOLOGY.length, 'only the definitions changed anything');
});

t.test('a dead-lettered event does not take a version: a later valid one with the same sourceVersion applies', async (t) => {
  const result = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 4, { serial: 7 }), upsert('Pump', 'p1', 4, { serial: 'A' })]);
  t.match(objectOf(result, 'Pump', 'p1'), { properties: { serial: 'A' }, version: 1 });
  t.equal(result.deadLettered.length, 1);
});

t.test('objects of a type unknown to their tenant are dead-lettered', async (t) => {
  const otherTenant = { ...upsert('Pump', 'p1', 1, { serial: 'A' }) };
  otherTenant.value = { ...otherTenant.value, tenantId: OTHER_TENANT } as ObjectChange;
  const result = foldEvents([...ONTOLOGY, otherTenant]);
  t.same(result.deadLettered, [{ eventId: otherTenant.value.eventId, reason: 'UNKNOWN_TYPE' }]);
});

t.test('a link between existing objects is live at version 1', async (t) => {
  const result = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 1, { serial: 'A' }), upsert('Site', 's1', 1, { name: 'S' }), link('UPSERT', 'installedAt', PUMP, SITE, 1, { since: '2024-02-29' })]);
  t.same(result.links.get(INSTALLED), {
    tenantId: TENANT,
    linkType: 'installedAt',
    fromType: 'Pump',
    fromId: 'p1',
    toType: 'Site',
    toId: 's1',
    properties: { since: '2024-02-29' },
    version: 1,
    sourceVersion: 1,
    deleted: false,
    pending: false,
  } satisfies FoldedLink);
});

t.test('links follow the version rule and DELETE leaves an emptied tombstone', async (t) => {
  const result = foldEvents([
    ...ONTOLOGY,
    upsert('Pump', 'p1', 1, { serial: 'A' }),
    upsert('Site', 's1', 1, { name: 'S' }),
    link('UPSERT', 'installedAt', PUMP, SITE, 2, { since: '2024-01-01' }),
    link('DELETE', 'installedAt', PUMP, SITE, 5),
    link('UPSERT', 'installedAt', PUMP, SITE, 4, { since: '2024-06-01' }),
  ]);
  t.match(result.links.get(INSTALLED), { properties: {}, version: 2, sourceVersion: 5, deleted: true, pending: false });
  t.equal(result.ignoredOld, 1);
});

t.test('a link whose endpoint has no row waits, and is promoted when it arrives, whatever the order', async (t) => {
  const pump = upsert('Pump', 'p1', 1, { serial: 'A' });
  const site = upsert('Site', 's1', 1, { name: 'S' });
  const installed = link('UPSERT', 'installedAt', PUMP, SITE, 3, { since: '2020-01-01' });
  const update = link('UPSERT', 'installedAt', PUMP, SITE, 4, {});

  const waiting = foldEvents([...ONTOLOGY, pump, installed, update]);
  t.match(waiting.links.get(INSTALLED), { version: 2, sourceVersion: 4, pending: true }, 'pending links follow the version rule');

  const orders = [
    [pump, site, installed, update],
    [installed, update, pump, site],
    [installed, pump, update, site],
    [site, installed, update, pump],
  ];
  const results = orders.map((order) => foldEvents([...ONTOLOGY, ...order]));
  for (const result of results) {
    t.same(withoutChanges(result), withoutChanges(results[0]!));
    t.match(result.links.get(INSTALLED), { version: 2, sourceVersion: 4, pending: false, properties: {} });
  }
  const promoted = results[1]!;
  t.equal(
    promoted.changes.filter((change) => change.entityKind === 'LINK').length,
    2,
    'the pending changes are in the change list; the promotion adds none',
  );
});

t.test('a tombstone is a row: a DELETE of an unseen object promotes its pending links', async (t) => {
  const result = foldEvents([...ONTOLOGY, upsert('Site', 's1', 1, { name: 'S' }), link('UPSERT', 'installedAt', PUMP, SITE, 1), remove('Pump', 'p1', 1)]);
  t.match(result.links.get(INSTALLED), { pending: false, deleted: false, version: 1 });
});

t.test('a link to an object that never arrives stays pending', async (t) => {
  const result = foldEvents([
    ...ONTOLOGY,
    upsert('Pump', 'p1', 1, { serial: 'A' }),
    link('UPSERT', 'installedAt', PUMP, ['Site', 'ghost'], 1),
    link('DELETE', 'installedAt', ['Pump', 'ghost'], SITE, 1),
  ]);
  t.match(result.links.get(linkKey('installedAt', PUMP, ['Site', 'ghost'])), { pending: true, deleted: false });
  t.match(result.links.get(linkKey('installedAt', ['Pump', 'ghost'], SITE)), { pending: true, deleted: true, properties: {} });
});

t.test('links of a deleted object keep their own state and version', async (t) => {
  const result = foldEvents([
    ...ONTOLOGY,
    upsert('Pump', 'p1', 1, { serial: 'A' }),
    upsert('Site', 's1', 1, { name: 'S' }),
    link('UPSERT', 'installedAt', PUMP, SITE, 1, { since: '2021-03-04' }),
    remove('Site', 's1', 2),
  ]);
  t.match(objectOf(result, 'Site', 's1'), { deleted: true });
  t.match(result.links.get(INSTALLED), { deleted: false, pending: false, version: 1, properties: { since: '2021-03-04' } });
  const linkChanges = result.changes.filter((change) => change.entityKind === 'LINK');
  t.equal(linkChanges.length, 1, 'deleting the object writes no change for its links');
});

t.test('a newer definition version replaces the property definitions; older ones are ignored', async (t) => {
  const result = foldEvents([
    ...ONTOLOGY,
    objectType('Pump', 2, [
      ['serial', 'STRING', true],
      ['vendor', 'STRING', false],
    ]),
    objectType('Pump', 2, [['other', 'STRING', false]]),
    objectType('Pump', 1, [['other', 'STRING', false]]),
    upsert('Pump', 'p1', 1, { serial: 'A', vendor: 'KSB' }),
    upsert('Pump', 'p2', 1, { serial: 'B', stages: 2 }),
  ]);
  t.equal(result.ignoredOld, 2, 'an equal and a lower version are both ignored');
  t.match(objectOf(result, 'Pump', 'p1'), { properties: { serial: 'A', vendor: 'KSB' } });
  t.equal(objectOf(result, 'Pump', 'p2'), undefined, 'stages was removed by version 2');
  t.equal(result.deadLettered[0]?.reason, 'INVALID_PROPERTIES');
});

t.test('existing objects are not re-validated when their type changes', async (t) => {
  const result = foldEvents([...ONTOLOGY, upsert('Pump', 'p1', 1, { serial: 'A', stages: 2 }), objectType('Pump', 2, [['serial', 'STRING', true]])]);
  t.same(objectOf(result, 'Pump', 'p1')?.properties, { serial: 'A', stages: 2 });
});

t.test('a link type needs its endpoint types; a type in use cannot be deleted', async (t) => {
  const orphan = linkType('feeds', 1, 'Pump', 'Tank');
  const deletePump = typeDefDelete('OBJECT_TYPE', 'Pump', 2);
  const deleteSite = typeDefDelete('OBJECT_TYPE', 'Site', 2);
  const deleteInstalled = typeDefDelete('LINK_TYPE', 'installedAt', 2);
  const result = foldEvents([
    ...ONTOLOGY,
    orphan,
    upsert('Pump', 'p1', 1, { serial: 'A' }),
    remove('Pump', 'p1', 2),
    link('UPSERT', 'installedAt', PUMP, SITE, 1),
    deletePump,
    deleteInstalled,
    deleteSite,
  ]);
  t.same(result.deadLettered, [
    { eventId: orphan.value.eventId, reason: 'UNKNOWN_TYPE' },
    { eventId: deletePump.value.eventId, reason: 'TYPE_IN_USE' },
    { eventId: deleteInstalled.value.eventId, reason: 'TYPE_IN_USE' },
    { eventId: deleteSite.value.eventId, reason: 'TYPE_IN_USE' },
  ]);
});

t.test('a deleted type is unknown until a newer version defines it again', async (t) => {
  const tooEarly = upsert('Valve', 'v1', 1, {});
  const result = foldEvents([
    objectType('Valve', 1, []),
    typeDefDelete('OBJECT_TYPE', 'Valve', 2),
    tooEarly,
    objectType('Valve', 2, []),
    objectType('Valve', 3, []),
    upsert('Valve', 'v1', 2, {}),
  ]);
  t.same(result.deadLettered, [{ eventId: tooEarly.value.eventId, reason: 'UNKNOWN_TYPE' }]);
  t.equal(result.ignoredOld, 1);
  t.match(objectOf(result, 'Valve', 'v1'), { version: 1, sourceVersion: 2 });
});

t.test('every applied change, and nothing else, is in the change list', async (t) => {
  const repeat = upsert('Pump', 'p1', 1, { serial: 'A' });
  const result = foldEvents([
    ...ONTOLOGY,
    repeat,
    structuredClone(repeat),
    link('UPSERT', 'installedAt', PUMP, SITE, 1),
    upsert('Site', 's1', 1, { name: 'S' }),
    remove('Pump', 'p1', 2),
    upsert('Pump', 'p1', 1, { serial: 'old' }),
    upsert('Pump', 'p1', 3, { serial: 12 }),
    link('DELETE', 'installedAt', PUMP, SITE, 2),
  ]);
  t.same(result.changes, [
    { tenantId: TENANT, entityKind: 'OBJECT_TYPE', entityId: 'OBJECT_TYPE/Site', key: `${TENANT}:OBJECT_TYPE/Site`, op: 'UPSERT', version: 1 },
    { tenantId: TENANT, entityKind: 'OBJECT_TYPE', entityId: 'OBJECT_TYPE/Pump', key: `${TENANT}:OBJECT_TYPE/Pump`, op: 'UPSERT', version: 1 },
    { tenantId: TENANT, entityKind: 'LINK_TYPE', entityId: 'LINK_TYPE/installedAt', key: `${TENANT}:LINK_TYPE/installedAt`, op: 'UPSERT', version: 1 },
    { tenantId: TENANT, entityKind: 'OBJECT', entityId: 'Pump/p1', key: objectKey('Pump', 'p1'), op: 'UPSERT', version: 1 },
    { tenantId: TENANT, entityKind: 'LINK', entityId: 'installedAt/Pump/p1/Site/s1', key: INSTALLED, op: 'UPSERT', version: 1 },
    { tenantId: TENANT, entityKind: 'OBJECT', entityId: 'Site/s1', key: objectKey('Site', 's1'), op: 'UPSERT', version: 1 },
    { tenantId: TENANT, entityKind: 'OBJECT', entityId: 'Pump/p1', key: objectKey('Pump', 'p1'), op: 'DELETE', version: 2 },
    { tenantId: TENANT, entityKind: 'LINK', entityId: 'installedAt/Pump/p1/Site/s1', key: INSTALLED, op: 'DELETE', version: 2 },
  ]);
  t.equal(result.ignoredOld, 2);
  t.equal(result.deadLettered.length, 1);
});

t.test('tenants are folded apart', async (t) => {
  const sameIdOtherTenant: WorkloadEvent = {
    topic: 'objects',
    value: { ...(upsert('Pump', 'p1', 1, { serial: 'B' }).value as ObjectChange), tenantId: OTHER_TENANT },
  };
  const result = foldEvents([
    ...ONTOLOGY,
    objectType('Pump', 1, [['serial', 'STRING', true]], OTHER_TENANT),
    upsert('Pump', 'p1', 5, { serial: 'A' }),
    sameIdOtherTenant,
  ]);
  t.match(result.objects.get(objectKey('Pump', 'p1')), { properties: { serial: 'A' }, sourceVersion: 5 });
  t.match(result.objects.get(objectKey('Pump', 'p1', OTHER_TENANT)), { properties: { serial: 'B' }, sourceVersion: 1 });
});
