// The outbox relay's producer against the real broker: a send resolves only once every record is
// acknowledged, keeps the order per key and the headers, and a failure fails the whole send
// without handing over the records after it (the relay publishes them again in its next round).
import t, { type Test } from 'tap';
import { isTransientKafkaError } from '../../runtime/backoff.ts';
import { createLogger } from '../../runtime/logger.ts';
import { RelayProducer, type RelayRecord } from '../../runtime/outbox/relay-producer.ts';
import { createTopic, readTopic } from '../support/kafka.ts';
import { kafkaBrokers, uniqueName } from '../support/services.ts';

const logger = createLogger({ name: 'test-relay-producer', level: 'silent' });

async function connected(t: Test, settings?: Record<string, string | number | boolean>): Promise<RelayProducer> {
  const producer = new RelayProducer({ brokers: kafkaBrokers(), clientId: uniqueName('test-relay'), logger, settings });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  return producer;
}

t.test('a send resolves once every record is acknowledged, in order per key, with its headers', async (t) => {
  const spread = uniqueName('test.relay-producer.spread');
  const single = uniqueName('test.relay-producer.single');
  await createTopic(spread, 3);
  await createTopic(single, 1);
  const producer = await connected(t);
  const records: RelayRecord[] = [];
  for (let i = 0; i < 2_500; i++) {
    records.push({
      topic: i % 5 === 0 ? single : spread,
      key: `key-${i % 10}`,
      value: Buffer.from(String(i)),
      headers: { traceparent: `trace-${i}`, raw: Buffer.from([0, 255, i % 256]) },
    });
  }
  records.push({ topic: single, key: null, value: Buffer.from('no key'), headers: {} });
  await producer.send(records);

  // Everything is acknowledged already: the readers find it all, and nothing more arrives.
  const read = [
    ...(await readTopic(spread, { readCommittedOnly: true, until: (r) => r.length >= 2_000 })),
    ...(await readTopic(single, { readCommittedOnly: true, until: (r) => r.length >= 501 })),
  ];
  t.equal(read.length, 2_501, 'every record, once');
  const seqByKey = new Map<string, number[]>();
  for (const record of read.filter((r) => r.key !== null)) {
    const seq = Number(record.value!.toString());
    seqByKey.set(record.key!, [...(seqByKey.get(record.key!) ?? []), seq]);
    t.equal(record.headers.traceparent?.toString(), `trace-${seq}`, 'string header kept');
    t.same([...(record.headers.raw as Buffer)], [0, 255, seq % 256], 'binary header kept byte for byte');
  }
  // A key's records all land on one partition in send order (the reader preserves partition order).
  for (const [key, seqs] of seqByKey) t.same(seqs, [...seqs].sort((a, b) => a - b), `${key} in send order`);
  t.equal(read.find((r) => r.key === null)?.value?.toString(), 'no key');
  await producer.send([]);
  t.pass('an empty send resolves at once');
});

t.test('a record the producer refuses fails the send; the records after it are not handed over', async (t) => {
  const topic = uniqueName('test.relay-producer.refused');
  await createTopic(topic, 1);
  const producer = await connected(t);
  const record = (value: string | Buffer): RelayRecord => ({ topic, key: 'k', value: Buffer.from(value), headers: {} });
  // Larger than message.max.bytes (1 MB by default): librdkafka refuses it when it is produced.
  const error = await producer.send([record('first'), record('second'), record(Buffer.alloc(2_000_000, 1)), record('after')]).then(
    () => undefined,
    (rejected: unknown) => rejected as { code?: number; message: string },
  );
  t.ok(error, 'the send rejects');
  t.equal(error?.code, 10, `MSG_SIZE_TOO_LARGE (${error?.message})`);
  t.notOk(isTransientKafkaError(error), 'not transient: retrying cannot make the record smaller');

  await producer.send([record('marker')]);
  const read = await readTopic(topic, { readCommittedOnly: true, until: (r) => r.some((x) => x.value?.toString() === 'marker') });
  t.same(read.map((r) => r.value!.toString()), ['first', 'second', 'marker'], 'what was handed over before the refusal was delivered; nothing after it');
});

t.test('a topic that does not exist fails the send once its records time out', async (t) => {
  // auto.create.topics.enable=false on the project's broker: the records can never be delivered.
  const producer = await connected(t, { 'message.timeout.ms': 3_000, 'topic.metadata.propagation.max.ms': 1_000 });
  const records = Array.from({ length: 20 }, (_, i): RelayRecord => ({ topic: uniqueName('test.relay-producer.missing'), key: `k${i}`, value: Buffer.from('x'), headers: {} }));
  await t.rejects(producer.send(records), { message: /unknown topic|timed out/i }, 'the send rejects with the delivery failure');
});

t.test('overlapping sends each resolve on their own records, and keep the order per key across sends', async (t) => {
  const topic = uniqueName('test.relay-producer.overlap');
  await createTopic(topic, 3);
  // A queue of 200 records: the first send waits for room many times while the others are
  // already called, and still hands over all of its records before theirs.
  const producer = await connected(t, { 'queue.buffering.max.messages': 200 });
  const records = (from: number, count: number) =>
    Array.from({ length: count }, (_, i): RelayRecord => ({ topic, key: `key-${(from + i) % 7}`, value: Buffer.from(String(from + i)), headers: {} }));
  // The second and third are handed over while the first is still awaiting its acknowledgements.
  await Promise.all([producer.send(records(0, 3_000)), producer.send(records(3_000, 1)), producer.send(records(3_001, 2_000))]);
  const read = await readTopic(topic, { readCommittedOnly: true, until: (r) => r.length >= 5_001 });
  t.equal(read.length, 5_001, 'every record of every send, once');
  const seqByKey = new Map<string, number[]>();
  for (const record of read) seqByKey.set(record.key!, [...(seqByKey.get(record.key!) ?? []), Number(record.value!.toString())]);
  for (const [key, seqs] of seqByKey) t.same(seqs, [...seqs].sort((a, b) => a - b), `${key} in hand-over order across the sends`);
});

t.test('a failing send does not fail a send that overlaps it', async (t) => {
  const topic = uniqueName('test.relay-producer.overlap-failure');
  await createTopic(topic, 1);
  const producer = await connected(t);
  const record = (value: string | Buffer): RelayRecord => ({ topic, key: 'k', value: Buffer.from(value), headers: {} });
  const healthy = Array.from({ length: 500 }, (_, i) => record(`ok-${i}`));
  const [failed, succeeded] = await Promise.allSettled([producer.send([record('first'), record(Buffer.alloc(2_000_000, 1))]), producer.send(healthy)]);
  t.equal(failed.status, 'rejected', 'the send with the oversized record rejects');
  t.equal(succeeded.status, 'fulfilled', 'the overlapping send resolves');
  const read = await readTopic(topic, { readCommittedOnly: true, until: (r) => r.length >= 501 });
  t.same(read.map((r) => r.value!.toString()), ['first', ...healthy.map((r) => r.value!.toString())], 'what each send handed over arrived, in order');
});
