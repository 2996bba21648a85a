// The ontology materializer process: L2 object/link events and type definitions -> Postgres,
// exactly once, with the outbox relay publishing l3.ontology.changes.v1 (docs/adr/0004).
//   node processors/materializer/main.ts      (configuration: processors/materializer/config.ts)
import pg from 'pg';
import { allTopics, dlqTopicOf } from '../../contracts/topics.ts';
import { readContractSchema } from '../../contracts/registry/schema-files.ts';
import { AvroSerde, type AvroRecordSchema } from '../../contracts/serde/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createProcessorMetrics } from '../../runtime/metrics.ts';
import { runReadinessChecks, startHealthServer } from '../../runtime/health-server.ts';
import { onShutdown } from '../../runtime/shutdown.ts';
import { TransactionalConsumer } from '../../runtime/kafka/transactional-consumer.ts';
import { OutboxRelay } from '../../runtime/outbox/outbox-relay.ts';
import { ConfigError, loadMaterializerConfig, type MaterializerConfig } from './config.ts';
import { createMaterializeBatch } from './materialize-batch.ts';

const PROCESSOR = 'materializer';

let config: MaterializerConfig;
try {
  config = loadMaterializerConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`materializer: invalid configuration: ${error.message}\n`);
  process.exit(78); // EX_CONFIG
}

const logger = createLogger({ name: `l3-${PROCESSOR}`, level: config.logLevel });
const metrics = createProcessorMetrics(PROCESSOR);
const shutdown = onShutdown(logger, { timeoutMs: 30_000 });

const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize, application_name: `l3-${PROCESSOR}` });
// An idle connection dropped by a Postgres restart must not crash the process; the next query
// gets a fresh one and the batch loop retries.
pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection lost'));
shutdown.register('postgres pool', () => pool.end());

const serde = AvroSerde.connect(config.schemaRegistryUrl);
const schemaByTopic = new Map<string, AvroRecordSchema>();
for (const topic of allTopics(config.topics)) {
  if (topic.schemaFile) schemaByTopic.set(topic.name, readContractSchema(topic.schemaFile));
}

const consumer = new TransactionalConsumer({
  brokers: config.kafkaBrokers,
  groupId: config.groupId,
  clientId: `l3-${PROCESSOR}-${config.instanceId}`,
  topics: [config.topics.typedefs, config.topics.objects, config.topics.links],
  pool,
  handler: createMaterializeBatch({
    serde,
    topics: { typedefs: config.topics.typedefs, objects: config.topics.objects, links: config.topics.links },
    changesTopic: config.topics.ontologyChanges,
    metrics,
  }),
  processor: PROCESSOR,
  dlqTopicOf,
  logger,
  metrics,
  batchSize: config.batchSize,
  commitMode: config.commitMode,
  kafkaConfig: { 'session.timeout.ms': config.sessionTimeoutMs, 'heartbeat.interval.ms': Math.floor(config.sessionTimeoutMs / 3) },
  signal: shutdown.signal,
  onFatal: (error) => void shutdown.fatal(error),
});

const relay = config.relay
  ? new OutboxRelay({ pool, brokers: config.kafkaBrokers, clientId: `l3-${PROCESSOR}-relay-${config.instanceId}`, serde, schemaForTopic: (t) => schemaByTopic.get(t), logger, metrics })
  : undefined;

const health = await startHealthServer({
  host: config.healthHost,
  port: config.healthPort,
  registry: metrics.registry,
  logger,
  readiness: () =>
    runReadinessChecks({
      'kafka group joined': () => {
        if (!consumer.joined) throw new Error('not yet assigned by the consumer group');
        return `${consumer.ownedPartitions.length} partition(s)`;
      },
      'postgres pool': async () => {
        await pool.query('SELECT 1');
        return `${pool.totalCount} connection(s)`;
      },
    }),
});
shutdown.register('health server', () => health.close());

try {
  if (relay) {
    await relay.start((error) => void shutdown.fatal(error));
    shutdown.register('outbox relay', () => relay.stop());
  }
  await consumer.start();
  // Registered last so it stops first: finish and commit the batch, leave the group.
  shutdown.register('kafka consumer', () => consumer.stop());
  logger.info({ groupId: config.groupId, instanceId: config.instanceId, commitMode: config.commitMode, health: health.url }, 'materializer started');
} catch (error) {
  await shutdown.fatal(error);
}
