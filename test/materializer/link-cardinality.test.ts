// Link cardinality through the real materializer (docs/adr/0008): moves of a MANY_TO_ONE link
// arrive as a DELETE and an UPSERT on different partitions, in either order; both orders end with
// the new link live and the old one deleted, and a link that loses its slot to another is retired
// with a DELETE on the changes topic whose sourceEventId is the UPSERT that took the slot.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { LinkChange } from '../../contracts/generated/link-change.ts';
import type { ObjectChange } from '../../contracts/generated/object-change.ts';
import type { TypeDefChange } from '../../contracts/generated/type-def-change.ts';
import { readMaterializedState } from '../support/materializer/materialized-state.ts';
import { createMaterializerEnvironment, MaterializerProcess, produceEvents, readChanges, waitUntilMaterialized } from '../support/materializer/harness.ts';
import type { WorkloadEvent } from '../support/materializer/workload.ts';

const TENANT = randomUUID();
let clock = Date.UTC(2026, 0, 1);

function typedef(kind: 'OBJECT_TYPE' | 'LINK_TYPE', name: string, link?: { fromType: string; toType: string; cardinality: 'MANY_TO_ONE' | 'ONE_TO_ONE' }): WorkloadEvent {
  const value: TypeDefChange = {
    tenantId: TENANT,
    eventId: randomUUID(),
    op: 'UPSERT',
    kind,
    name,
    version: 1,
    objectType: kind === 'OBJECT_TYPE' ? { description: name, properties: [] } : null,
    linkType: link === undefined ? null : { description: name, ...link, properties: [] },
    tool: null,
    actor: 'test',
    occurredAt: clock++,
  };
  return { topic: 'typedefs', value };
}

function object(objectType: string, objectId: string): WorkloadEvent {
  const value: ObjectChange = { tenantId: TENANT, eventId: randomUUID(), op: 'UPSERT', objectType, objectId, properties: '{}', embedding: null, sourceVersion: 1, occurredAt: clock++ };
  return { topic: 'objects', value };
}

function link(op: 'UPSERT' | 'DELETE', linkType: string, from: string, to: string, sourceVersion: number): WorkloadEvent {
  const value: LinkChange = {
    tenantId: TENANT,
    eventId: randomUUID(),
    op,
    linkType,
    from: { objectType: 'Pump', objectId: from },
    to: { objectType: 'Site', objectId: to },
    properties: op === 'UPSERT' ? '{}' : null,
    sourceVersion,
    occurredAt: clock++,
  };
  return { topic: 'links', value };
}

t.test('moves in either order, and a link that loses its slot, end as the slot rule says', async (t) => {
  const env = await createMaterializerEnvironment(t);
  const instance = MaterializerProcess.start(env, 'cardinality');
  t.teardown(async () => {
    instance.kill('SIGTERM');
    await instance.exited;
  });
  await instance.ready();

  // The ontology and the objects first, then the first placement of every pump.
  await produceEvents(env, [
    typedef('OBJECT_TYPE', 'Pump'),
    typedef('OBJECT_TYPE', 'Site'),
    typedef('LINK_TYPE', 'installedAt', { fromType: 'Pump', toType: 'Site', cardinality: 'MANY_TO_ONE' }),
    typedef('LINK_TYPE', 'twin', { fromType: 'Pump', toType: 'Site', cardinality: 'ONE_TO_ONE' }),
    ...['p1', 'p2', 'p3'].map((id) => object('Pump', id)),
    ...['s1', 's2', 's3'].map((id) => object('Site', id)),
  ]);
  await waitUntilMaterialized(env);
  await produceEvents(env, [link('UPSERT', 'installedAt', 'p1', 's1', 1), link('UPSERT', 'installedAt', 'p2', 's1', 1), link('UPSERT', 'installedAt', 'p3', 's1', 1), link('UPSERT', 'twin', 'p1', 's1', 1)]);
  await waitUntilMaterialized(env);

  // p1 moves DELETE first, p2 UPSERT first (each step applied before the next is produced);
  // p3 gets a second site without its old link being deleted (the newer placement wins); the
  // twin of s1 becomes p2's.
  await produceEvents(env, [link('DELETE', 'installedAt', 'p1', 's1', 2)]);
  await waitUntilMaterialized(env);
  const takeovers = { p2: link('UPSERT', 'installedAt', 'p2', 's3', 2), p3: link('UPSERT', 'installedAt', 'p3', 's2', 2), twin: link('UPSERT', 'twin', 'p2', 's1', 1) };
  await produceEvents(env, [link('UPSERT', 'installedAt', 'p1', 's2', 2), ...Object.values(takeovers)]);
  await waitUntilMaterialized(env);
  await produceEvents(env, [link('DELETE', 'installedAt', 'p2', 's1', 2)]);
  await waitUntilMaterialized(env);

  const state = await readMaterializedState(env.db.admin, env.database, [TENANT]);
  const links = [...state.links.values()].map((l) => `${l.linkType} ${l.fromId}->${l.toId} ${l.deleted ? 'deleted' : 'live'}`).sort();
  t.same(links, [
    'installedAt p1->s1 deleted',
    'installedAt p1->s2 live',
    'installedAt p2->s1 deleted',
    'installedAt p2->s3 live',
    'installedAt p3->s1 deleted',
    'installedAt p3->s2 live',
    'twin p1->s1 deleted',
    'twin p2->s1 live',
  ]);
  const live = (type: string) => [...state.links.values()].filter((l) => l.linkType === type && !l.deleted);
  t.equal(new Set(live('installedAt').map((l) => l.fromId)).size, live('installedAt').length, 'every pump has one live site');

  const changes = await readChanges(env.topics.ontologyChanges);
  const causes = new Map(Object.values(takeovers).map((event) => [event.value.eventId, (event.value as LinkChange).linkType + ' ' + (event.value as LinkChange).from.objectId + '->' + (event.value as LinkChange).to.objectId]));
  const retirements = changes.unique.filter((c) => c.entityKind === 'LINK' && c.op === 'DELETE' && c.sourceEventId !== null && causes.has(c.sourceEventId));
  t.same(
    retirements.map((c) => `${c.entityId} retired by ${causes.get(c.sourceEventId!)} (after ${c.after})`).sort(),
    [
      'installedAt/Pump/p2/Site/s1 retired by installedAt p2->s3 (after null)',
      'installedAt/Pump/p3/Site/s1 retired by installedAt p3->s2 (after null)',
      'twin/Pump/p1/Site/s1 retired by twin p2->s1 (after null)',
    ],
  );
  t.equal(changes.unique.filter((c) => c.entityKind === 'LINK' && c.op === 'DELETE').length, 5, 'and the two L2 DELETEs (p1->s1, then p2->s1 once more)');
});
