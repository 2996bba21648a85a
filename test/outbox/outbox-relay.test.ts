// The outbox relay against real Postgres, Kafka and registry: while its records wait for the
// broker, the relay keeps no transaction open and marks nothing; once the broker takes them, they
// are marked published. Of several relays exactly one publishes, and stopping
// it hands the lead to another at once.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t, { type Test } from 'tap';
import { OntologyChangedSchema, type OntologyChanged } from '../../contracts/generated/ontology-changed.ts';
import { RegistryClient } from '../../contracts/registry/registry-client.ts';
import { AvroSerde, type AvroRecordSchema } from '../../contracts/serde/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createProcessorMetrics, type ProcessorMetrics } from '../../runtime/metrics.ts';
import { OutboxRelay, RELAY_LOCK_KEY } from '../../runtime/outbox/outbox-relay.ts';
import { writeOutbox } from '../../runtime/outbox/outbox-writer.ts';
import { connect, createTestDatabase, withTenant } from '../support/database.ts';
import { createTopic, readTopic } from '../support/kafka.ts';
import { createMaterializerEnvironment, MaterializerProcess } from '../support/materializer/harness.ts';
import { kafkaBrokers, schemaRegistryUrl, uniqueName } from '../support/services.ts';
import { waitFor } from '../support/wait-for.ts';

const schema = OntologyChangedSchema as unknown as AvroRecordSchema;
const logger = createLogger({ name: 'test-outbox-relay', level: 'silent' });

interface Fixture {
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  readonly admin: pg.Client;
  readonly tenantId: string;
  readonly topic: string;
  readonly serde: AvroSerde;
  /** Writes one OntologyChanged record to the outbox, as a processor would; returns its eventId. */
  readonly write: () => Promise<string>;
}

async function fixture(t: Test, options: { createTopic: boolean } = { createTopic: true }): Promise<Fixture> {
  const db = await createTestDatabase(t);
  const admin = await connect(t, db.admin);
  const processor = await connect(t, db.processor);
  const tenantId = randomUUID();
  await admin.query("INSERT INTO tenants (tenant_id, name) VALUES ($1, 'relay')", [tenantId]);
  const topic = uniqueName('test.relay.changes');
  if (options.createTopic) await createTopic(topic);
  await new RegistryClient(schemaRegistryUrl()).register(`${topic}-value`, OntologyChangedSchema);
  return { db, admin, tenantId, topic, serde: AvroSerde.connect(schemaRegistryUrl()), write: outboxWriter(processor, tenantId, topic) };
}

/** Writes OntologyChanged records to the outbox one at a time, as a processor would. */
function outboxWriter(processor: pg.Client, tenantId: string, topic: string): () => Promise<string> {
  let n = 0;
  return async () => {
    const entityId = `pump-${n++}`;
    const change: OntologyChanged = {
      tenantId, eventId: randomUUID(), entityKind: 'OBJECT', entityId, entityType: 'Pump', op: 'UPSERT', version: 1,
      after: JSON.stringify({ objectType: 'Pump', objectId: entityId }), link: null, sourceEventId: null, proposalId: null, occurredAt: Date.now(),
    };
    await withTenant(processor, tenantId, (tx) =>
      writeOutbox(tx, [{ tenantId, topic, key: `${tenantId}:${entityId}`, eventId: change.eventId, payload: change, headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } }]),
    );
    return change.eventId;
  };
}

function relayOf(t: Test, f: Fixture, name: string, metrics: ProcessorMetrics, producerSettings?: Record<string, number>): OutboxRelay {
  const relay = new OutboxRelay({
    databaseUrl: f.db.processor,
    applicationName: name,
    brokers: kafkaBrokers(),
    clientId: name,
    serde: f.serde,
    schemaForTopic: (topic) => (topic === f.topic ? schema : undefined),
    logger,
    metrics,
    idleMs: 50,
    producerSettings,
  });
  t.teardown(() => relay.stop());
  return relay;
}

async function unpublished(f: Fixture): Promise<number> {
  const { rows } = await f.admin.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  return Number(rows[0]!.n);
}

t.test('while the records wait for the broker, no transaction stays open and nothing is marked', async (t) => {
  // The topic does not exist yet (the broker does not create topics): librdkafka holds the record
  // until the topic appears, as it would through a broker outage.
  const f = await fixture(t, { createTopic: false });
  const eventId = await f.write();
  const name = uniqueName('test-relay-waiting');
  const metrics = createProcessorMetrics('test-relay');
  const relay = relayOf(t, f, name, metrics, { 'message.timeout.ms': 180_000, 'topic.metadata.propagation.max.ms': 180_000 });
  const fatal: Error[] = [];
  await relay.start((error) => fatal.push(error));
  await waitFor('the relay read the envelope', async () => (await metrics.outboxBacklog.get()).values[0]?.value === 1);

  // The round now waits on the broker: watch the relay's session meanwhile.
  const states = new Set<string>();
  let samples = 0;
  await waitFor('twenty looks at the waiting relay', async () => {
    const { rows } = await f.admin.query<{ state: string; in_transaction: boolean }>(
      'SELECT state, xact_start IS NOT NULL AS in_transaction FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    for (const row of rows) states.add(`${row.state}${row.in_transaction ? ' (transaction)' : ''}`);
    samples += rows.length;
    return samples >= 20;
  }, 60_000, 50);
  t.ok(relay.leading, 'the relay leads');
  t.same([...states], ['idle'], 'its session sat idle, with no transaction open');
  t.equal(await unpublished(f), 1, 'the envelope is not marked while the broker has not acknowledged it');

  await createTopic(f.topic);
  await waitFor('the envelope published', async () => (await unpublished(f)) === 0, 180_000);
  const [record] = await readTopic(f.topic, { readCommittedOnly: true, until: (records) => records.length >= 1 });
  t.equal((await f.serde.decode<OntologyChanged>(record?.value, schema)).value.eventId, eventId, 'the record reached the topic once it existed');
  t.same(fatal, [], 'no fatal error');
});

t.test('of two relays one publishes; stopping it hands over at once', async (t) => {
  const f = await fixture(t);
  const metrics = createProcessorMetrics('test-relay');
  const first = relayOf(t, f, uniqueName('test-relay-a'), metrics);
  const second = relayOf(t, f, uniqueName('test-relay-b'), metrics);
  await first.start((error) => t.fail(`first relay: ${error.message}`));
  await second.start((error) => t.fail(`second relay: ${error.message}`));
  const eventIds = [await f.write(), await f.write()];
  await waitFor('both published', async () => (await unpublished(f)) === 0);
  t.equal([first, second].filter((relay) => relay.leading).length, 1, 'exactly one relay leads');
  const [leader, follower] = first.leading ? [first, second] : [second, first];

  await leader!.stop();
  eventIds.push(await f.write());
  await waitFor('published by the other relay', async () => (await unpublished(f)) === 0);
  t.ok(follower!.leading, 'the other relay took the lead');
  const records = await readTopic(f.topic, { readCommittedOnly: true, until: (r) => r.length >= 3 });
  const published = await Promise.all(records.map(async (r) => (await f.serde.decode<OntologyChanged>(r.value, schema)).value.eventId));
  t.same(published, eventIds, 'each record once, in write order');
});

t.test('a leader whose process is frozen loses the lead, and another relay publishes', async (t) => {
  const env = await createMaterializerEnvironment(t, 1);
  const admin = await connect(t, env.db.admin);
  const leaderOf = async () => {
    const { rows } = await admin.query<{ application_name: string; pid: number }>(
      `SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND l.objsubid = 1
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [RELAY_LOCK_KEY],
    );
    return rows[0];
  };
  // A materializer (relay on) with nothing to consume leads first.
  const frozen = MaterializerProcess.start(env, 'frozen-leader');
  t.teardown(() => frozen.kill('SIGKILL')); // also ends a stopped process
  await frozen.ready();
  await waitFor('the materializer relay leads', async () => (await leaderOf())?.application_name === 'l3-materializer-relay');
  frozen.kill('SIGSTOP');

  const tenantId = randomUUID();
  await admin.query("INSERT INTO tenants (tenant_id, name) VALUES ($1, 'failover')", [tenantId]);
  const f: Fixture = {
    db: env.db, admin, tenantId, topic: env.topics.ontologyChanges, serde: AvroSerde.connect(schemaRegistryUrl()),
    write: outboxWriter(await connect(t, env.db.processor), tenantId, env.topics.ontologyChanges),
  };
  const standbyName = uniqueName('test-relay-standby');
  const standby = relayOf(t, f, standbyName, createProcessorMetrics('test-relay'));
  await standby.start((error) => t.fail(`standby relay: ${error.message}`));
  const eventId = await f.write();
  // Postgres ends the frozen leader's idle session after the lease (30 s); the standby takes over.
  await waitFor('the record published by the standby', async () => (await unpublished(f)) === 0, 180_000);
  t.ok(standby.leading, 'the standby leads');
  const [record] = await readTopic(f.topic, { readCommittedOnly: true, until: (records) => records.length >= 1 });
  t.equal((await f.serde.decode<OntologyChanged>(record?.value, schema)).value.eventId, eventId);

  // Thawed, the old leader finds its session gone, follows, and still stops cleanly.
  frozen.kill('SIGCONT');
  await waitFor('the thawed relay reconnects as a follower', async () => /outbox relay connection lost|outbox relay round failed/.test(frozen.log()), 60_000);
  frozen.kill('SIGTERM');
  t.equal(await frozen.exited, 0, 'the thawed materializer shuts down cleanly');
  t.equal((await leaderOf())?.application_name, standbyName, 'the lead stays with the standby');
});
