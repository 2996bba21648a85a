// The consumer with several batch transactions in flight (ADR 0010), on real Kafka and Postgres:
// batches run at once on different partitions, never two on one partition, each partition in
// offset order; every record is handled once and the stored offsets end at the end of the topic.
import pg from 'pg';
import t from 'tap';
import type { ConsumedRecord } from '../../runtime/kafka/consumed-record.ts';
import { TransactionalConsumer, type BatchHandler } from '../../runtime/kafka/transactional-consumer.ts';
import { tpKey } from '../../runtime/kafka/offset-store.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createProcessorMetrics } from '../../runtime/metrics.ts';
import { createTestDatabase } from '../support/database.ts';
import { createTopic, kafka } from '../support/kafka.ts';
import { kafkaBrokers, uniqueName } from '../support/services.ts';
import { waitFor } from '../support/wait-for.ts';

const PARTITIONS = 4;
const PER_PARTITION = 300;

async function produce(topic: string, perPartition: readonly number[]): Promise<void> {
  const producer = kafka().producer({ kafkaJS: { idempotent: true } });
  await producer.connect();
  try {
    for (const [partition, count] of perPartition.entries()) {
      const messages = Array.from({ length: count }, (_, i) => ({ partition, key: `k${partition}`, value: Buffer.from(`${partition}:${i}`) }));
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

const scenarios = [
  { what: 'two batches run at once on disjoint partitions; each partition applies once, in order', perPartition: Array(PARTITIONS).fill(PER_PARTITION) as number[] },
  {
    // 900 records of partition 0 are three times the fetch-ahead bound of batches of 100 with two
    // in flight (300): were they counted while partition 0's batch is open, the fetch would stop
    // before it reached another partition, and the second batch would never begin.
    what: "a backlog on the held partition does not keep the fetch from the others' records",
    perPartition: [900, 100, 100, 100],
  },
];

for (const scenario of scenarios) t.test(scenario.what, async (t) => {
  const db = await createTestDatabase(t);
  const pool = new pg.Pool({ connectionString: db.processor, max: 6 });
  t.teardown(() => pool.end());
  const admin = new pg.Client({ connectionString: db.admin });
  await admin.connect();
  t.teardown(() => admin.end());
  const topic = uniqueName('test.in-flight');
  await createTopic(topic, PARTITIONS);
  await produce(topic, scenario.perPartition);
  const total = scenario.perPartition.reduce((sum, n) => sum + n, 0);

  const open = new Set<string>(); // partitions of the batches open right now
  const handled: ConsumedRecord[] = [];
  const overlaps: string[] = [];
  let started = 0;
  let mostOpenAtOnce = 0;
  let openNow = 0;
  const handler: BatchHandler = async (tx, records) => {
    const partitions = [...new Set(records.map(tpKey))];
    for (const key of partitions) if (open.has(key)) overlaps.push(key);
    for (const key of partitions) open.add(key);
    mostOpenAtOnce = Math.max(mostOpenAtOnce, ++openNow);
    started++;
    try {
      // The first batch stays open (its transaction too) until a second one has begun: with two
      // in flight that happens; one at a time, this wait would time out.
      if (started === 1) await waitFor('a second batch to begin while the first is open', () => started >= 2, 60_000, 20);
      await tx.query('SELECT 1');
      handled.push(...records);
    } finally {
      openNow--;
      for (const key of partitions) open.delete(key);
    }
    return { deadLetters: [] };
  };

  const fatal: Error[] = [];
  const consumer = new TransactionalConsumer({
    brokers: kafkaBrokers(),
    groupId: uniqueName('test-in-flight-group'),
    clientId: 'test-in-flight',
    topics: [topic],
    pool,
    handler,
    processor: 'test',
    dlqTopicOf: (name) => `${name}.dlq`,
    logger: createLogger({ name: 'test-in-flight', level: 'silent' }),
    metrics: createProcessorMetrics('test'),
    onFatal: (error) => fatal.push(error),
    batchSize: 100,
    maxInFlight: 2,
  });
  await consumer.start();
  t.teardown(() => consumer.stop());
  await waitFor('every record handled', () => handled.length >= total || fatal.length > 0);
  t.same(fatal, [], 'no fatal error');

  t.equal(mostOpenAtOnce, 2, 'two batches were open at once, never more');
  t.same(overlaps, [], 'no partition was in two open batches');
  for (const [partition, count] of scenario.perPartition.entries()) {
    const offsets = handled.filter((r) => r.partition === partition).map((r) => r.offset);
    t.same(offsets, Array.from({ length: count }, (_, i) => i), `partition ${partition}: every offset once, in order`);
  }
  // The stored offsets (committed with the batches) reach the end of every partition.
  await waitFor('the stored offsets to reach the end', async () => {
    const { rows } = await admin.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM consumer_offsets WHERE topic = $1', [topic]);
    return scenario.perPartition.every((count, partition) => rows.some((row) => row.partition === partition && Number(row.next_offset) === count));
  });
  await consumer.stop();
  t.equal(handled.length, total, 'nothing handled twice');
});
