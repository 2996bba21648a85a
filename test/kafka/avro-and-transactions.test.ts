// Kafka + registry, for real: the project's serde round-trips a record through a topic, and Kafka
// transactions hide aborted batches from read_committed consumers.
import t from 'tap';
import { AvroSerde, SerdeError } from '../../contracts/serde/index.ts';
import { RegistryClient } from '../../contracts/registry/registry-client.ts';
import { createTopic, kafka, readTopic } from '../support/kafka.ts';
import { schemaRegistryUrl, uniqueName } from '../support/services.ts';

const schema = {
  type: 'record',
  name: 'RoundTrip',
  namespace: 'aix.l3.test',
  doc: 'A record that exercises every Avro kind the contracts use.',
  fields: [
    { name: 'tenantId', type: { type: 'string', logicalType: 'uuid' }, doc: 'tenant' },
    { name: 'op', type: { type: 'enum', name: 'Op', symbols: ['UPSERT', 'DELETE'] }, doc: 'op' },
    { name: 'sourceVersion', type: 'long', doc: 'version' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'time' },
    { name: 'properties', type: 'string', doc: 'JSON text' },
    { name: 'embedding', type: ['null', { type: 'array', items: 'float' }], default: null, doc: 'vector' },
    { name: 'tags', type: { type: 'map', values: 'string' }, doc: 'tags' },
  ],
} as const;

t.test('a record encoded with the project serde is read back equal from Kafka', async (t) => {
  const topic = uniqueName('test.avro-roundtrip');
  await createTopic(topic);
  await new RegistryClient(schemaRegistryUrl()).register(`${topic}-value`, schema);
  const serde = AvroSerde.connect(schemaRegistryUrl());
  const value = {
    tenantId: '7b0e7d6c-9a43-4c1e-8d1f-0b6f3f6d2a11',
    op: 'UPSERT',
    sourceVersion: 42,
    occurredAt: 1_764_000_000_123,
    properties: JSON.stringify({ name: 'Pump 7', pressure: 3.5 }),
    embedding: [0.25, -1, 0.5],
    tags: { site: 'north' },
  };
  const producer = kafka().producer({ kafkaJS: { idempotent: true } });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  await producer.send({ topic, messages: [{ key: `${value.tenantId}:pump-7`, value: await serde.encode(`${topic}-value`, schema, value) }] });

  const [record] = await readTopic(topic, { readCommittedOnly: true, until: (records) => records.length >= 1 });
  t.equal(record?.key, `${value.tenantId}:pump-7`);
  t.equal(record?.value?.readUInt8(0), 0, 'Confluent wire format: magic byte 0');
  const decoded = await serde.decode<typeof value>(record?.value, schema);
  t.same(decoded.value, value);
  t.equal(decoded.schemaId, await serde.writerSchemaId(`${topic}-value`, schema), 'the header carries the registered schema id');
});

t.test('the synchronous encoder writes independent buffers of any size and names what does not match', async (t) => {
  const subject = `${uniqueName('test.avro-encoder')}-value`;
  await new RegistryClient(schemaRegistryUrl()).register(subject, schema);
  const serde = AvroSerde.connect(schemaRegistryUrl());
  const encode = await serde.encoderFor(subject, schema);
  const value = (properties: string) => ({
    tenantId: '7b0e7d6c-9a43-4c1e-8d1f-0b6f3f6d2a11',
    op: 'DELETE',
    sourceVersion: 7,
    occurredAt: 1_764_000_000_000,
    properties,
    embedding: null,
    tags: {},
  });
  // Larger than the encoder's 64 KiB scratch buffer, then small, then large again: each buffer
  // is its own, and none is overwritten by the next encode.
  const large = value('x'.repeat(200_000));
  const small = value('{"a":1}');
  const larger = value('y'.repeat(300_000));
  const first = encode(large);
  const second = encode(small);
  const third = encode(larger);
  t.same((await serde.decode(first, schema)).value, large, 'a value larger than the scratch buffer round-trips');
  t.same((await serde.decode(second, schema)).value, small);
  t.same((await serde.decode(third, schema)).value, larger);
  t.same((await serde.decode(first, schema)).value, large, 'encoding the next values did not overwrite the first');
  t.same((await serde.decode(second, schema)).value, small, 'nor the second');
  t.same(await serde.encode(subject, schema, small), second, 'encode and encoderFor write the same bytes');

  const invalid = t.throws(() => encode({ ...small, op: 'MAYBE' })) as unknown as SerdeError;
  t.equal(invalid.code, 'INVALID_VALUE');
  t.match(invalid.message, /RoundTrip.*invalid: op/);
  t.equal(invalid.retryable, false);

  await t.rejects(serde.encoderFor(`${uniqueName('test.never-registered')}-value`, schema), { code: 'SCHEMA_NOT_REGISTERED', retryable: false });
});

t.test('read_committed consumers see committed transactional batches and never aborted ones', async (t) => {
  const topic = uniqueName('test.transactions');
  await createTopic(topic, 2);
  const producer = kafka().producer({ kafkaJS: { transactionalId: uniqueName('test-tx'), idempotent: true, maxInFlightRequests: 1 } });
  await producer.connect();
  t.teardown(() => producer.disconnect());

  const batch = (label: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ key: `k${i % 2}`, value: Buffer.from(`${label}-${i}`) }));

  const committed = await producer.transaction();
  await committed.send({ topic, messages: batch('committed', 5) });
  await committed.commit();

  const aborted = await producer.transaction();
  await aborted.send({ topic, messages: batch('aborted', 5) });
  await aborted.abort();

  // A last committed batch: once a reader has it, it has passed the aborted one on both partitions.
  const last = await producer.transaction();
  await last.send({ topic, messages: batch('last', 2) });
  await last.commit();

  const committedView = await readTopic(topic, {
    readCommittedOnly: true,
    until: (records) => records.filter((r) => r.value?.toString().startsWith('last-')).length === 2,
  });
  const values = committedView.map((r) => r.value?.toString() ?? '').sort();
  t.same(values, ['committed-0', 'committed-1', 'committed-2', 'committed-3', 'committed-4', 'last-0', 'last-1']);

  // The aborted records are physically in the log: a read_uncommitted reader does see them.
  const uncommittedView = await readTopic(topic, {
    readCommittedOnly: false,
    until: (records) => records.filter((r) => r.value?.toString().startsWith('last-')).length === 2,
  });
  t.equal(uncommittedView.filter((r) => r.value?.toString().startsWith('aborted-')).length, 5);
});
