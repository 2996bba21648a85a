// Poison input (ARCHITECTURE §5, ADR 0004 "Bad input"): every record the materializer cannot use
// lands on `<topic>.dlq` exactly once, with its original key, value and headers plus the dlq.*
// headers naming where it came from and why; the partition keeps moving past it; and neither a
// restart nor a full replay of the topics parks a record a second time.
import { randomUUID } from 'node:crypto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import pg from 'pg';
import t from 'tap';
import type { Test } from 'tap';
import type { LinkChange } from '../../contracts/generated/link-change.ts';
import { LinkChangeSchema } from '../../contracts/generated/link-change.ts';
import type { ObjectChange } from '../../contracts/generated/object-change.ts';
import { ObjectChangeSchema } from '../../contracts/generated/object-change.ts';
import { AvroSerde } from '../../contracts/serde/index.ts';
import { dlqTopicOf } from '../../contracts/topics.ts';
import { kafka } from '../support/kafka.ts';
import { schemaRegistryUrl } from '../support/services.ts';
import {
  createMaterializerEnvironment,
  MaterializerProcess,
  produceEvents,
  readToEnd,
  waitUntilMaterialized,
  type MaterializerEnvironment,
  type ReadRecord,
} from '../support/materializer/harness.ts';
import { readConsumerOffsets } from '../support/materializer/consumer-offsets.ts';
import { readMaterializedState } from '../support/materializer/materialized-state.ts';
import { produceInOrder } from '../support/materializer/produce-in-order.ts';
import { scrapeMetrics, sumOf } from '../support/materializer/prometheus-text.ts';
import { generateWorkload, workloadKey } from '../support/materializer/workload.ts';

const TENANT = randomUUID();
const CUSTOM_HEADER = 'x-l3-test-origin';

type Topic = 'objects' | 'links' | 'typedefs';

/** A record sent to an input topic, and what the materializer must make of it. */
interface Sent {
  readonly name: string;
  readonly topic: Topic;
  readonly message: KafkaJS.Message;
  /** The dlq.error.class it must be parked with; undefined for a valid record. */
  readonly errorClass?: string;
  /** What dlq.error.message must say. */
  readonly errorMessage?: readonly RegExp[];
  offset?: number;
}

let eventCounter = 0;
function objectChange(objectType: string, objectId: string, properties: Record<string, unknown> | null, extra: Partial<ObjectChange> = {}): ObjectChange {
  return {
    tenantId: TENANT,
    eventId: randomUUID(),
    op: 'UPSERT',
    objectType,
    objectId,
    properties: properties === null ? null : JSON.stringify(properties),
    embedding: null,
    sourceVersion: 10,
    occurredAt: Date.UTC(2025, 0, 1) + eventCounter++,
    ...extra,
  };
}

function linkChange(linkType: string, from: [string, string], to: [string, string]): LinkChange {
  return {
    tenantId: TENANT,
    eventId: randomUUID(),
    op: 'UPSERT',
    linkType,
    from: { objectType: from[0], objectId: from[1] },
    to: { objectType: to[0], objectId: to[1] },
    properties: null,
    sourceVersion: 10,
    occurredAt: Date.UTC(2025, 0, 1) + eventCounter++,
  };
}

function header(value: string): Record<string, Buffer> {
  return { [CUSTOM_HEADER]: Buffer.from(value) };
}

async function objectRecord(env: MaterializerEnvironment, serde: AvroSerde, value: ObjectChange, headers?: Record<string, Buffer>): Promise<KafkaJS.Message> {
  const encoded = await serde.encode(`${env.topics.objects}-value`, ObjectChangeSchema, value);
  return { key: workloadKey({ topic: 'objects', value }), value: encoded, ...(headers ? { headers } : {}) };
}

async function linkRecord(env: MaterializerEnvironment, serde: AvroSerde, value: LinkChange): Promise<KafkaJS.Message> {
  const encoded = await serde.encode(`${env.topics.links}-value`, LinkChangeSchema, value);
  return { key: workloadKey({ topic: 'links', value }), value: encoded };
}

/** The records of one topic: valid ones between poison of every kind the materializer knows. */
async function inputRecords(env: MaterializerEnvironment, serde: AvroSerde): Promise<Sent[]> {
  const valid = async (name: string, value: ObjectChange): Promise<Sent> => ({ name, topic: 'objects', message: await objectRecord(env, serde, value) });
  // A correct wire header (magic byte, the subject's real schema id) followed by half a body.
  const whole = await objectRecord(env, serde, objectChange('Pump', 'p-truncated', { serial: 'SN-T' }));
  const truncated = (whole.value as Buffer).subarray(0, 5 + Math.floor(((whole.value as Buffer).length - 5) / 2));
  const unknownSchema = Buffer.alloc(32, 7);
  unknownSchema.writeUInt8(0, 0);
  unknownSchema.writeInt32BE(999_999, 1);

  return [
    await valid('valid Site s-1', objectChange('Site', 's-1', { name: 'Plant 1' })),
    {
      name: 'bytes without the magic byte',
      topic: 'objects',
      message: { key: `${TENANT}:poison/no-magic-byte`, value: Buffer.from('{"objectType":"Pump","note":"JSON, not Avro"}'), headers: header('no-magic-byte') },
      errorClass: 'MALFORMED',
      errorMessage: [/magic byte/],
    },
    {
      name: 'magic byte 0 with unknown schema id 999999',
      topic: 'objects',
      message: { key: `${TENANT}:poison/unknown-schema`, value: unknownSchema },
      errorClass: 'UNKNOWN_SCHEMA',
      errorMessage: [/999999/],
    },
    await valid('valid Pump p-1', objectChange('Pump', 'p-1', { serial: 'SN-1', stages: 3 })),
    {
      name: 'a known schema id with a truncated body (and no key)',
      topic: 'objects',
      message: { key: null, value: truncated },
      errorClass: 'MALFORMED',
      errorMessage: [/cannot be decoded/],
    },
    {
      name: 'a null value',
      topic: 'objects',
      message: { key: `${TENANT}:poison/null-value`, value: null },
      errorClass: 'MALFORMED',
      errorMessage: [/empty/],
    },
    {
      name: 'an object of an unknown type',
      topic: 'objects',
      message: await objectRecord(env, serde, objectChange('Turbine', 't-1', {})),
      errorClass: 'UNKNOWN_TYPE',
      errorMessage: [/Turbine/],
    },
    {
      name: 'an object with a property of the wrong type',
      topic: 'objects',
      message: await objectRecord(env, serde, objectChange('Pump', 'p-2', { serial: 'SN-2', stages: 'three' }), header('wrong-property-type')),
      errorClass: 'INVALID_PROPERTIES',
      errorMessage: [/stages/, /INTEGER/],
    },
    {
      name: 'an object missing a required property',
      topic: 'objects',
      message: await objectRecord(env, serde, objectChange('Site', 's-9', { region: 'eu-west' })),
      errorClass: 'INVALID_PROPERTIES',
      errorMessage: [/\bname\b/, /required/],
    },
    {
      name: 'an object with a 3-dimension embedding',
      topic: 'objects',
      message: await objectRecord(env, serde, objectChange('Pump', 'p-3', { serial: 'SN-3' }, { embedding: [0.1, 0.2, 0.3] })),
      errorClass: 'INVALID_EMBEDDING',
      errorMessage: [/384/, /\b3\b/],
    },
    await valid('valid Sensor x-1', objectChange('Sensor', 'x-1', { kind: 'flow' })),
    {
      name: 'a link of an unknown link type',
      topic: 'links',
      message: await linkRecord(env, serde, linkChange('poweredBy', ['Pump', 'p-1'], ['Site', 's-1'])),
      errorClass: 'UNKNOWN_TYPE',
      errorMessage: [/poweredBy/],
    },
    {
      name: 'a link whose endpoint types do not match its type',
      topic: 'links',
      message: await linkRecord(env, serde, linkChange('installedAt', ['Site', 's-1'], ['Pump', 'p-1'])),
      errorClass: 'INVALID_LINK',
      errorMessage: [/installedAt/, /Pump -> Site/],
    },
    { name: 'valid link installedAt p-1 -> s-1', topic: 'links', message: await linkRecord(env, serde, linkChange('installedAt', ['Pump', 'p-1'], ['Site', 's-1'])) },
    {
      name: 'a garbage type definition',
      topic: 'typedefs',
      message: { key: TENANT, value: Buffer.concat([Buffer.from([0xff]), Buffer.from('garbage, not a TypeDefChange')]), headers: header('garbage-typedef') },
      errorClass: 'MALFORMED',
      errorMessage: [/magic byte/],
    },
  ];
}

/** The dead letters of each input topic, grouped by dlq.original.offset. */
async function deadLettersByOffset(env: MaterializerEnvironment): Promise<Map<Topic, Map<number, ReadRecord[]>>> {
  const result = new Map<Topic, Map<number, ReadRecord[]>>();
  for (const topic of ['objects', 'links', 'typedefs'] as const) {
    const byOffset = new Map<number, ReadRecord[]>();
    for (const record of await readToEnd(dlqTopicOf(env.topics[topic]))) {
      const offset = Number(record.headers['dlq.original.offset']);
      byOffset.set(offset, [...(byOffset.get(offset) ?? []), record]);
    }
    result.set(topic, byOffset);
  }
  return result;
}

/** Each poison record parked exactly once, nothing else parked. */
function checkEachParkedOnce(t: Test, parked: Map<Topic, Map<number, ReadRecord[]>>, sent: readonly Sent[], when: string): void {
  for (const record of sent) {
    const copies = parked.get(record.topic)!.get(record.offset!) ?? [];
    t.equal(copies.length, record.errorClass === undefined ? 0 : 1, `${when}: ${record.name} (${record.topic}@${record.offset}) is on the DLQ ${record.errorClass === undefined ? 'never' : 'exactly once'}`);
  }
  for (const topic of ['objects', 'links', 'typedefs'] as const) {
    const expected = sent.filter((r) => r.topic === topic && r.errorClass !== undefined).length;
    const total = [...parked.get(topic)!.values()].reduce((sum, copies) => sum + copies.length, 0);
    t.equal(total, expected, `${when}: ${topic}.dlq holds ${expected} record(s) in all`);
  }
}

async function highWatermark(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Number(offsets.find((o) => o.partition === 0)!.high);
  } finally {
    await admin.disconnect();
  }
}

async function liveObjectIds(env: MaterializerEnvironment): Promise<Map<string, { version: number; deleted: boolean }>> {
  const state = await readMaterializedState(env.db.admin, env.database, [TENANT]);
  return new Map([...state.objects.values()].map((o) => [`${o.objectType}/${o.objectId}`, { version: o.version, deleted: o.deleted }]));
}

t.test('each poison record is dead-lettered exactly once with its original bytes and the dlq headers, and the partitions move past it', async (t) => {
  const env = await createMaterializerEnvironment(t, 1);
  const serde = AvroSerde.connect(schemaRegistryUrl());
  let instance = MaterializerProcess.start(env, 'poison-0');
  t.teardown(() => instance.kill('SIGKILL'));

  // The workload's ontology (Site, Pump, Sensor; installedAt Pump -> Site, monitors Sensor -> Pump).
  const typedefs = generateWorkload({ seed: 7, tenants: [TENANT], events: 0 }).filter((e) => e.topic === 'typedefs');
  await produceEvents(env, typedefs);
  await waitUntilMaterialized(env);

  const sent = await inputRecords(env, serde);
  for (const topic of ['objects', 'links', 'typedefs'] as const) {
    const records = sent.filter((r) => r.topic === topic);
    const produced = await produceInOrder(env.topics[topic], records.map((r) => r.message));
    produced.forEach((p, i) => (records[i]!.offset = p.offset));
  }
  await waitUntilMaterialized(env);

  await t.test('the offsets stored with the state reach the end of every input partition', async (t) => {
    const stored = await readConsumerOffsets(env);
    for (const topic of [env.topics.objects, env.topics.links, env.topics.typedefs]) {
      t.equal(stored.get(`${topic}[0]`)?.nextOffset, await highWatermark(topic), `${topic}[0] is applied to its end`);
    }
  });

  await t.test('the valid records around the poison are materialized; the invalid ones are not', async (t) => {
    const objects = await liveObjectIds(env);
    t.same([...objects.keys()].sort(), ['Pump/p-1', 'Sensor/x-1', 'Site/s-1'], 'only the three valid objects exist');
    const state = await readMaterializedState(env.db.admin, env.database, [TENANT]);
    t.same(
      [...state.links.values()].map((l) => `${l.linkType} ${l.fromType}/${l.fromId} -> ${l.toType}/${l.toId}${l.pending ? ' (pending)' : ''}`),
      ['installedAt Pump/p-1 -> Site/s-1'],
      'only the valid link exists',
    );
  });

  const parked = await deadLettersByOffset(env);
  await t.test('each poison record is on its topic\'s DLQ exactly once', async (t) => {
    checkEachParkedOnce(t, parked, sent, 'first pass');
  });

  await t.test('a dead letter carries the original key, value and headers plus the dlq.* headers', async (t) => {
    for (const record of sent.filter((r) => r.errorClass !== undefined)) {
      const [dead] = parked.get(record.topic)!.get(record.offset!) ?? [];
      if (dead === undefined) {
        t.fail(`${record.name}: not on the DLQ`);
        continue;
      }
      await t.test(record.name, async (t) => {
        const key = record.message.key;
        t.equal(dead.key, key === null || key === undefined ? null : key.toString(), 'original key');
        const value = record.message.value;
        if (value === null || value === undefined) t.equal(dead.value, null, 'original (null) value');
        else t.ok(dead.value !== null && Buffer.from(value).equals(dead.value), 'original value, byte for byte');
        t.equal(dead.headers['dlq.original.topic'], env.topics[record.topic], 'dlq.original.topic');
        t.equal(dead.headers['dlq.original.partition'], '0', 'dlq.original.partition');
        t.equal(dead.headers['dlq.original.offset'], String(record.offset), 'dlq.original.offset');
        t.equal(dead.headers['dlq.error.class'], record.errorClass, 'dlq.error.class');
        t.equal(dead.headers['dlq.processor'], 'materializer', 'dlq.processor');
        const message = dead.headers['dlq.error.message'] ?? '';
        t.ok(message.length > 0, 'dlq.error.message is not empty');
        for (const pattern of record.errorMessage ?? []) t.match(message, pattern, `dlq.error.message names the problem (${pattern})`);
        const custom = (record.message.headers as Record<string, Buffer> | undefined)?.[CUSTOM_HEADER];
        if (custom) t.equal(dead.headers[CUSTOM_HEADER], custom.toString(), 'the original header survives');
      });
    }
  });

  await t.test('l3_records_dead_lettered_total counts each poison record by topic and reason', async (t) => {
    const metrics = await scrapeMetrics(await instance.healthUrl());
    const expected = new Map<string, number>();
    for (const record of sent.filter((r) => r.errorClass !== undefined)) {
      const id = `${env.topics[record.topic]}|${record.errorClass}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    for (const [id, count] of expected) {
      const [topic, reason] = id.split('|') as [string, string];
      t.equal(sumOf(metrics, 'l3_records_dead_lettered_total', { topic, reason, processor: 'materializer' }), count, `${reason} on ${topic}`);
    }
    t.equal(sumOf(metrics, 'l3_records_dead_lettered_total'), [...expected.values()].reduce((a, b) => a + b, 0), 'no other dead letters');
  });

  await t.test('after a SIGKILL and a restart the DLQ still holds each poison record once', async (t) => {
    instance.kill('SIGKILL');
    await instance.exited;
    instance = MaterializerProcess.start(env, 'poison-1');
    const after: Sent = { name: 'valid Site s-2 (after the restart)', topic: 'objects', message: await objectRecord(env, serde, objectChange('Site', 's-2', { name: 'Plant 2' })) };
    after.offset = (await produceInOrder(env.topics.objects, [after.message]))[0]!.offset;
    await waitUntilMaterialized(env);
    t.ok((await liveObjectIds(env)).has('Site/s-2'), 'the record produced after the restart is materialized');
    checkEachParkedOnce(t, await deadLettersByOffset(env), [...sent, after], 'after the restart');
    const metrics = await scrapeMetrics(await instance.healthUrl());
    t.equal(sumOf(metrics, 'l3_records_dead_lettered_total'), 0, 'the new instance dead-lettered nothing');
  });

  await t.test('replaying the topics from offset 0 parks nothing a second time and changes nothing', async (t) => {
    instance.kill('SIGKILL');
    await instance.exited;
    const before = await liveObjectIds(env);
    // A replay of everything, as after a crash between processing and commit (which cannot be
    // timed from outside): the stored offsets go back to the start of every partition.
    const client = new pg.Client({ connectionString: env.db.admin });
    await client.connect();
    try {
      await client.query('UPDATE consumer_offsets SET next_offset = 0 WHERE consumer_group = $1', [env.groupId]);
    } finally {
      await client.end();
    }
    instance = MaterializerProcess.start(env, 'poison-2');
    const last: Sent = { name: 'valid Site s-3 (after the replay)', topic: 'objects', message: await objectRecord(env, serde, objectChange('Site', 's-3', { name: 'Plant 3' })) };
    last.offset = (await produceInOrder(env.topics.objects, [last.message]))[0]!.offset;
    await waitUntilMaterialized(env);
    const objects = await liveObjectIds(env);
    t.ok(objects.has('Site/s-3'), 'the record produced after the replay is materialized');
    objects.delete('Site/s-3');
    t.same(objects, before, 'the replayed valid records changed nothing (same versions)');
    checkEachParkedOnce(t, await deadLettersByOffset(env), [...sent, last], 'after the replay');
    const metrics = await scrapeMetrics(await instance.healthUrl());
    t.ok(sumOf(metrics, 'l3_records_ignored_old_total') > 0, 'the replayed valid records were counted as old');
    t.comment(`the replaying instance reports l3_records_dead_lettered_total = ${sumOf(metrics, 'l3_records_dead_lettered_total')} for records it did not publish again`);
  });
});
