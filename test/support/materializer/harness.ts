// Runs the real materializer as child processes against an isolated environment (its own
// database, topics and consumer group on the shared embedded stack), feeds it a workload, and
// reads back what it produced. The crash, rebalance, zombie and restart tests build on this.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import pg from 'pg';
import type { Test } from 'tap';
import { registerContracts } from '../../../contracts/registry/register-contracts.ts';
import { LinkChangeSchema } from '../../../contracts/generated/link-change.ts';
import { ObjectChangeSchema } from '../../../contracts/generated/object-change.ts';
import { OntologyChangedSchema, type OntologyChanged } from '../../../contracts/generated/ontology-changed.ts';
import { TypeDefChangeSchema } from '../../../contracts/generated/type-def-change.ts';
import { AvroSerde } from '../../../contracts/serde/index.ts';
import { dlqTopicOf, resolveTopicNames, type TopicNames } from '../../../contracts/topics.ts';
import { createTestDatabase } from '../database.ts';
import { kafka } from '../kafka.ts';
import { ProcessorChild } from '../processor-child.ts';
import { waitFor } from '../wait-for.ts';
import { schemaRegistryUrl, uniqueName } from '../services.ts';
import type { DatabaseUrls } from '../../../cli/provision-database.ts';
import { workloadKey, type WorkloadEvent } from './workload.ts';

export interface MaterializerEnvironment {
  readonly db: DatabaseUrls;
  readonly database: string;
  readonly topics: TopicNames;
  readonly groupId: string;
  readonly logDir: string;
}

/** A fresh database, fresh topics (registered subjects) and a fresh consumer group. */
export async function createMaterializerEnvironment(t: Test, partitions = 6): Promise<MaterializerEnvironment> {
  const db = await createTestDatabase(t);
  const suffix = uniqueName('t').replace(/^t\./, '');
  const topics = resolveTopicNames({
    typedefs: `test.${suffix}.typedefs`,
    objects: `test.${suffix}.objects`,
    links: `test.${suffix}.links`,
    ontologyChanges: `test.${suffix}.changes`,
  });
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        { topic: topics.typedefs, numPartitions: 1, replicationFactor: 1 },
        { topic: topics.objects, numPartitions: partitions, replicationFactor: 1 },
        { topic: topics.links, numPartitions: partitions, replicationFactor: 1 },
        { topic: topics.ontologyChanges, numPartitions: partitions, replicationFactor: 1 },
        ...[topics.typedefs, topics.objects, topics.links].map((name) => ({ topic: dlqTopicOf(name), numPartitions: 1, replicationFactor: 1 })),
      ],
    });
  } finally {
    await admin.disconnect();
  }
  await registerContracts(schemaRegistryUrl(), topics);
  return { db, database: new URL(db.admin).pathname.slice(1), topics, groupId: `test-materializer-${suffix}`, logDir: mkdtempSync(join(tmpdir(), 'l3-materializer-')) };
}

/** A materializer child process (node processors/materializer/main.ts). */
export class MaterializerProcess extends ProcessorChild {
  static start(env: MaterializerEnvironment, name: string, extraEnv: Record<string, string> = {}): MaterializerProcess {
    return new MaterializerProcess('processors/materializer/main.ts', join(env.logDir, `${name}.log`), {
      DATABASE_URL: env.db.processor,
      MATERIALIZER_GROUP_ID: env.groupId,
      MATERIALIZER_INSTANCE_ID: name,
      MATERIALIZER_HEALTH_PORT: '0',
      // The broker's minimum: a killed instance's partitions move on after 6 s, not 30.
      MATERIALIZER_SESSION_TIMEOUT_MS: '6000',
      L3_TOPIC_TYPEDEFS: env.topics.typedefs,
      L3_TOPIC_OBJECTS: env.topics.objects,
      L3_TOPIC_LINKS: env.topics.links,
      L3_TOPIC_ONTOLOGY_CHANGES: env.topics.ontologyChanges,
      ...extraEnv,
    });
  }
}

export { waitFor };

const SCHEMAS = { typedefs: TypeDefChangeSchema, objects: ObjectChangeSchema, links: LinkChangeSchema } as const;

/** Produces events in order (idempotent producer), optionally spread over `durationMs`. */
export async function produceEvents(env: MaterializerEnvironment, events: readonly WorkloadEvent[], options: { durationMs?: number; chunk?: number } = {}): Promise<void> {
  const serde = AvroSerde.connect(schemaRegistryUrl());
  const producer = kafka('test-producer').producer({ kafkaJS: { idempotent: true, acks: -1 }, 'linger.ms': 10 });
  await producer.connect();
  try {
    const chunk = options.chunk ?? 1000;
    const started = Date.now();
    for (let i = 0; i < events.length; i += chunk) {
      const slice = events.slice(i, i + chunk);
      const byTopic = new Map<string, KafkaJS.Message[]>();
      for (const event of slice) {
        const topic = env.topics[event.topic];
        const value = await serde.encode(`${topic}-value`, SCHEMAS[event.topic], event.value);
        const list = byTopic.get(topic) ?? [];
        list.push({ key: workloadKey(event), value });
        byTopic.set(topic, list);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      if (options.durationMs) {
        const due = started + (options.durationMs * (i + slice.length)) / events.length;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  } finally {
    await producer.disconnect();
  }
}

/** Produces raw records (poison tests). */
export async function produceRaw(topic: string, messages: KafkaJS.Message[]): Promise<void> {
  const producer = kafka('test-raw-producer').producer({ kafkaJS: { idempotent: true, acks: -1 } });
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

async function highWatermarks(topic: string): Promise<Map<number, number>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Every record of the input topics applied (offsets in Postgres) and everything relayed. */
export async function waitUntilMaterialized(env: MaterializerEnvironment, timeoutMs = 300_000): Promise<void> {
  const wanted = new Map<string, number>();
  for (const topic of [env.topics.typedefs, env.topics.objects, env.topics.links]) {
    for (const [partition, high] of await highWatermarks(topic)) wanted.set(`${topic}:${partition}`, high);
  }
  const client = new pg.Client({ connectionString: env.db.admin });
  await client.connect();
  try {
    await waitFor('the materializer to apply every record and relay every change', async () => {
      const offsets = await client.query<{ topic: string; partition: number; next_offset: string }>(
        'SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer_group = $1',
        [env.groupId],
      );
      const stored = new Map(offsets.rows.map((r) => [`${r.topic}:${r.partition}`, Number(r.next_offset)]));
      for (const [key, high] of wanted) if (high > 0 && (stored.get(key) ?? 0) < high) return false;
      const backlog = await client.query<{ n: string }>(
        "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL) + (SELECT count(*) FROM dead_letters WHERE published_at IS NULL) AS n",
      );
      return Number(backlog.rows[0]!.n) === 0;
    }, timeoutMs, 500);
  } finally {
    await client.end();
  }
}

export interface ReadRecord {
  readonly key: string | null;
  readonly partition: number;
  readonly offset: number;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** Every record of `topic` up to its current end, in partition order. */
export async function readToEnd(topic: string, timeoutMs = 120_000): Promise<ReadRecord[]> {
  const highs = await highWatermarks(topic);
  const records: ReadRecord[] = [];
  if ([...highs.values()].every((h) => h === 0)) return records;
  const consumer = kafka('test-reader').consumer({ kafkaJS: { groupId: uniqueName('test-reader'), fromBeginning: true, autoCommit: false } });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic });
    const reached = new Map<number, number>();
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    const complete = () => [...highs].every(([p, high]) => high === 0 || (reached.get(p) ?? 0) >= high);
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(Array.isArray(value) ? value[0] : value);
        records.push({ key: message.key?.toString() ?? null, partition, offset: Number(message.offset), value: message.value, headers });
        reached.set(partition, Number(message.offset) + 1);
        if (complete()) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`read ${records.length} records of ${topic} without reaching its end`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** The changes topic decoded, deduplicated by eventId (a relay may republish after a crash). */
export async function readChanges(topic: string): Promise<{ all: number; unique: (OntologyChanged & { key: string; partition: number; offset: number })[] }> {
  const serde = AvroSerde.connect(schemaRegistryUrl());
  const records = await readToEnd(topic);
  const seen = new Set<string>();
  const unique: (OntologyChanged & { key: string; partition: number; offset: number })[] = [];
  for (const record of records) {
    const { value } = await serde.decode<OntologyChanged>(record.value, OntologyChangedSchema);
    if (seen.has(value.eventId)) continue;
    seen.add(value.eventId);
    unique.push({ ...value, key: record.key ?? '', partition: record.partition, offset: record.offset });
  }
  return { all: records.length, unique };
}
