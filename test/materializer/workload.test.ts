import t from 'tap';
import type { FoldResult } from '../support/materializer/reference-fold.ts';
import { foldEvents } from '../support/materializer/reference-fold.ts';
import { embeddingEquals, generateWorkload, workloadKey } from '../support/materializer/workload.ts';
import type { WorkloadEvent } from '../support/materializer/workload.ts';

const TENANTS = ['0b9d7c2e-4a51-4f0e-8d6a-3c2b1a000001', '0b9d7c2e-4a51-4f0e-8d6a-3c2b1a000002', '0b9d7c2e-4a51-4f0e-8d6a-3c2b1a000003'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const small = generateWorkload({ seed: 42, tenants: TENANTS.slice(0, 2), events: 4000 });

// What happened to each key, read from the events alone (not from the fold).
function objectEventsByKey(events: readonly WorkloadEvent[]) {
  const byKey = new Map<string, { index: number; op: string; sourceVersion: number }[]>();
  events.forEach((event, index) => {
    if (event.topic !== 'objects') return;
    const key = workloadKey(event);
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push({ index, op: event.value.op, sourceVersion: event.value.sourceVersion });
  });
  return byKey;
}

// Index of the first event of each object key.
function firstObjectEvent(events: readonly WorkloadEvent[]): Map<string, number> {
  const first = new Map<string, number>();
  events.forEach((event, index) => {
    if (event.topic === 'objects' && !first.has(workloadKey(event))) first.set(workloadKey(event), index);
  });
  return first;
}

function endpointKeys(event: WorkloadEvent & { topic: 'links' }): [string, string] {
  const { tenantId, from, to } = event.value;
  return [`${tenantId}:${from.objectType}/${from.objectId}`, `${tenantId}:${to.objectType}/${to.objectId}`];
}

t.test('the same seed gives the same workload; another seed another', async (t) => {
  // Compared as JSON: tap's deep comparison of thousands of events takes minutes.
  t.equal(JSON.stringify(generateWorkload({ seed: 42, tenants: TENANTS.slice(0, 2), events: 4000 })), JSON.stringify(small));
  t.not(JSON.stringify(generateWorkload({ seed: 43, tenants: TENANTS.slice(0, 2), events: 4000 })), JSON.stringify(small));
  t.equal(small.length, 4000);
});

t.test('the definitions come first: version 1 of every type per tenant, then Pump version 2, then a stale Pump version 1', async (t) => {
  const firstData = small.findIndex((event) => event.topic !== 'typedefs');
  const typedefs = small.slice(0, firstData);
  t.notOk(small.slice(firstData).some((event) => event.topic === 'typedefs'), 'no definition after the first object or link');
  for (const tenantId of TENANTS.slice(0, 2)) {
    const mine = typedefs.filter((event) => event.value.tenantId === tenantId).map((event) => event.topic === 'typedefs' && `${event.value.kind} ${event.value.name} v${event.value.version}`);
    t.same(mine, [
      'OBJECT_TYPE Site v1',
      'OBJECT_TYPE Pump v1',
      'OBJECT_TYPE Sensor v1',
      'LINK_TYPE installedAt v1',
      'LINK_TYPE monitors v1',
      'OBJECT_TYPE Pump v2',
      'OBJECT_TYPE Pump v1',
    ]);
  }
  const usesVendor = small.some((event) => event.topic === 'objects' && event.value.properties?.includes('"vendor"'));
  t.ok(usesVendor, 'objects use the property that version 2 added');
});

t.test('eventIds are UUIDs, unique except for exact repeats', async (t) => {
  const seen = new Map<string, WorkloadEvent>();
  let repeats = 0;
  for (const event of small) {
    if (!UUID.test(event.value.eventId)) t.fail(`eventId ${event.value.eventId} is not a version 4 UUID`);
    const earlier = seen.get(event.value.eventId);
    if (earlier === undefined) {
      seen.set(event.value.eventId, event);
    } else {
      repeats++;
      if (JSON.stringify(event) !== JSON.stringify(earlier)) t.fail(`eventId ${event.value.eventId} is reused by a different event`);
    }
  }
  t.ok(repeats > 0, `${repeats} exact repeats`);
});

t.test('the workload has every case of ADR 0004', async (t) => {
  const byKey = objectEventsByKey(small);
  let outOfOrder = 0;
  let deletes = 0;
  let deleteFirst = 0;
  let revivals = 0;
  for (const list of byKey.values()) {
    let newest = -1;
    let newestOp: string | undefined;
    if (list[0]?.op === 'DELETE') deleteFirst++;
    for (const { op, sourceVersion } of list) {
      if (sourceVersion < newest) outOfOrder++;
      if (op === 'DELETE') deletes++;
      if (sourceVersion > newest) {
        if (op === 'UPSERT' && newestOp === 'DELETE') revivals++;
        newest = sourceVersion;
        newestOp = op;
      }
    }
  }
  t.ok(outOfOrder > 0, `${outOfOrder} object events older than one already sent`);
  t.ok(deletes > 0, `${deletes} object deletes`);
  t.ok(deleteFirst > 0, `${deleteFirst} deletes of objects never seen`);
  t.ok(revivals > 0, `${revivals} upserts reviving a deleted object`);

  const first = firstObjectEvent(small);
  let toExisting = 0;
  let toLater = 0;
  let toNever = 0;
  let linkDeletes = 0;
  small.forEach((event, index) => {
    if (event.topic !== 'links') return;
    if (event.value.op === 'DELETE') linkDeletes++;
    const arrivals = endpointKeys(event).map((key) => first.get(key));
    if (arrivals.every((arrival) => arrival !== undefined && arrival < index)) toExisting++;
    else if (arrivals.some((arrival) => arrival === undefined)) toNever++;
    else toLater++;
  });
  t.ok(toExisting > 0, `${toExisting} link events between existing objects`);
  t.ok(toLater > 0, `${toLater} link events before an endpoint arrives`);
  t.ok(toNever > 0, `${toNever} link events to an object that never arrives`);
  t.ok(linkDeletes > 0, `${linkDeletes} link deletes`);

  const upserts = small.filter((event) => event.topic === 'objects' && event.value.op === 'UPSERT');
  const embedded = upserts.filter((event) => event.topic === 'objects' && event.value.embedding !== null);
  const share = embedded.length / upserts.length;
  t.ok(share > 0.05 && share < 0.15, `${(share * 100).toFixed(1)}% of object upserts have an embedding`);
  const float32 = (embedding: number[] | null) => embedding?.length === 384 && embedding.every((x) => Math.fround(x) === x);
  t.ok(embedded.every((event) => event.topic === 'objects' && float32(event.value.embedding)), 'embeddings are 384 float32 values');
});

t.test('every event of the workload is valid', async (t) => {
  const result = foldEvents(small);
  t.same(result.deadLettered, []);
});

t.test('keys: the fold keys its state and changes as the events are keyed on the wire', async (t) => {
  const result = foldEvents(small);
  const keys = new Set(small.map(workloadKey));
  // Definitions are keyed by tenant on the wire; their changes by definition, like any entity.
  const entityChanges = result.changes.filter((change) => change.entityKind === 'OBJECT' || change.entityKind === 'LINK');
  for (const key of [...result.objects.keys(), ...result.links.keys(), ...entityChanges.map((change) => change.key)]) {
    if (!keys.has(key)) t.fail(`${key} is not the key of any event`);
  }
  for (const event of small) {
    const key = workloadKey(event);
    if (event.topic === 'typedefs') {
      if (key !== event.value.tenantId) t.fail(`definition key ${key} is not its tenant`);
      continue;
    }
    if (!key.startsWith(`${event.value.tenantId}:`)) t.fail(`${key} does not start with its tenant`);
    if (event.topic === 'objects' && !result.objects.has(key)) t.fail(`object ${key} is not in the fold`);
    if (event.topic === 'links' && !result.links.has(key)) t.fail(`link ${key} is not in the fold`);
  }
  for (const change of result.changes) if (change.key !== `${change.tenantId}:${change.entityId}`) t.fail(`change key ${change.key}`);
  t.pass('keys agree');
});

t.test('embeddingEquals compares as float32', async (t) => {
  t.ok(embeddingEquals(null, null));
  t.notOk(embeddingEquals(null, [1]));
  t.notOk(embeddingEquals([1], null));
  t.notOk(embeddingEquals([1, 2], [1]));
  t.ok(embeddingEquals([0.1, 2], [Math.fround(0.1), 2]), 'a double and its float32 rounding are equal');
  t.ok(embeddingEquals([Math.fround(0.1)], [Number('0.1')]), 'pgvector prints the shortest decimal of the float4');
  t.notOk(embeddingEquals([0.1], [0.1000001]));
});

t.test('a 50k-event workload over three tenants folds, with every outcome represented', async (t) => {
  const started = performance.now();
  const events = generateWorkload({ seed: 2025, tenants: TENANTS, events: 50_000 });
  const generated = performance.now();
  const result: FoldResult = foldEvents(events);
  const folded = performance.now();
  t.comment(`generated in ${(generated - started).toFixed(0)} ms, folded in ${(folded - generated).toFixed(0)} ms`);

  t.equal(events.length, 50_000);
  t.same(result.deadLettered, []);
  t.ok(result.ignoredOld > 0, `${result.ignoredOld} events ignored as old`);
  for (const tenantId of TENANTS) {
    t.ok([...result.objects.values()].some((object) => object.tenantId === tenantId), `tenant ${tenantId} has objects`);
  }

  const links = [...result.links.values()];
  const objects = [...result.objects.values()];
  const pending = links.filter((link) => link.pending);
  const tombstones = objects.filter((object) => object.deleted);
  t.ok(pending.length > 0, `${pending.length} links still pending`);
  t.ok(tombstones.length > 0, `${tombstones.length} object tombstones`);
  t.ok(links.some((link) => link.deleted), 'link tombstones');
  t.ok(tombstones.every((object) => object.embedding === null && Object.keys(object.properties).length === 0), 'tombstones are emptied');
  t.ok(objects.some((object) => object.embedding !== null), 'live objects with embeddings');

  // Revived: an applied DELETE followed by an applied UPSERT of the same object.
  const lastOp = new Map<string, string>();
  let revived = 0;
  // Promoted: a link applied while an endpoint had no row, and not pending at the end.
  const rows = new Set<string>();
  const appliedWhileMissing = new Set<string>();
  for (const change of result.changes) {
    if (change.entityKind === 'OBJECT') {
      if (change.op === 'UPSERT' && lastOp.get(change.key) === 'DELETE') revived++;
      lastOp.set(change.key, change.op);
      rows.add(change.key);
    } else if (change.entityKind === 'LINK') {
      const link = result.links.get(change.key)!;
      const ends = [`${link.tenantId}:${link.fromType}/${link.fromId}`, `${link.tenantId}:${link.toType}/${link.toId}`];
      if (!ends.every((end) => rows.has(end))) appliedWhileMissing.add(change.key);
    }
  }
  const promoted = [...appliedWhileMissing].filter((key) => result.links.get(key)?.pending === false);
  t.ok(revived > 0, `${revived} revivals`);
  t.ok(promoted.length > 0, `${promoted.length} links promoted out of pending`);
  t.ok(pending.every((link) => appliedWhileMissing.has(`${link.tenantId}:${link.linkType}/${link.fromType}/${link.fromId}/${link.toType}/${link.toId}`)));

  const endpoint = (tenantId: string, type: string, id: string) => result.objects.get(`${tenantId}:${type}/${id}`);
  const ofDeleted = links.filter(
    (link) => !link.pending && !link.deleted && (endpoint(link.tenantId, link.fromType, link.fromId)?.deleted || endpoint(link.tenantId, link.toType, link.toId)?.deleted),
  );
  t.ok(ofDeleted.length > 0, `${ofDeleted.length} live links of deleted objects`);

  // Each applied change is one change; versions count them per entity.
  const perKey = new Map<string, number>();
  for (const change of result.changes) {
    const count = (perKey.get(change.key) ?? 0) + 1;
    perKey.set(change.key, count);
    if (change.version !== count) t.fail(`${change.key}: version ${change.version} at change ${count}`);
  }
  for (const [key, object] of result.objects) if (object.version !== perKey.get(key)) t.fail(`object ${key} version ${object.version}`);
  for (const [key, link] of result.links) if (link.version !== perKey.get(key)) t.fail(`link ${key} version ${link.version}`);
});
