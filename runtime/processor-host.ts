// Everything a processor process has around its batch handler: JSON logs, metrics, the Postgres
// pool, the exactly-once consumer, the outbox relay, /livez /readyz /metrics, and an orderly
// shutdown on SIGTERM (finish and commit the batch, leave the group, stop the relay, close the
// pool). Each processor's main.ts supplies its config and handler and calls runProcessor.
import pg from 'pg';
import { readContractSchema } from '../contracts/registry/schema-files.ts';
import { AvroSerde, type AvroRecordSchema } from '../contracts/serde/index.ts';
import { allTopics, dlqTopicOf, type TopicNames } from '../contracts/topics.ts';
import { runReadinessChecks, startHealthServer } from './health-server.ts';
import { TransactionalConsumer, type BatchHandler, type CommitMode } from './kafka/transactional-consumer.ts';
import { createLogger, type Logger, type LogLevel } from './logger.ts';
import { createProcessorMetrics, type ProcessorMetrics } from './metrics.ts';
import { OutboxRelay } from './outbox/outbox-relay.ts';
import { onShutdown, type Shutdown } from './shutdown.ts';
import { startTelemetry, telemetryEndpoint } from './telemetry.ts';

export interface ProcessorHostConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly logLevel: LogLevel;
  readonly groupId: string;
  readonly instanceId: string;
  readonly batchSize: number;
  /** Batch transactions run at once on disjoint partitions; 1 when absent. */
  readonly maxInFlight?: number;
  readonly commitMode?: CommitMode;
  readonly healthHost: string;
  readonly healthPort: number;
  readonly relay: boolean;
  readonly poolSize: number;
  readonly sessionTimeoutMs: number;
  readonly topics: TopicNames;
}

export interface ProcessorParts {
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  readonly pool: pg.Pool;
  readonly serde: AvroSerde;
  readonly shutdown: Shutdown;
}

export interface ProcessorDefinition {
  readonly name: string;
  readonly config: ProcessorHostConfig;
  /** The topics the processor consumes. */
  readonly consumes: readonly string[];
  readonly createHandler: (parts: ProcessorParts) => BatchHandler;
  /** Extra background work (e.g. the governance expiry sweep); returns its stop function. */
  readonly startExtras?: (parts: ProcessorParts) => () => Promise<void> | void;
}

export async function runProcessor(definition: ProcessorDefinition): Promise<void> {
  const { config, name } = definition;
  const logger = createLogger({ name: `l3-${name}`, level: config.logLevel });
  const metrics = createProcessorMetrics(name);
  const shutdown = onShutdown(logger, { timeoutMs: 30_000 });
  // Registered first, so it runs last: the spans of the final batch are exported before exit.
  const telemetry = startTelemetry(`l3-${name}`);
  if (telemetry.enabled) {
    shutdown.register('telemetry', () => telemetry.shutdown());
    logger.info({ endpoint: telemetryEndpoint(process.env) }, 'exporting OpenTelemetry traces');
  }

  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize, application_name: `l3-${name}` });
  // An idle connection dropped by a Postgres restart must not crash the process; the next query
  // gets a fresh one and the batch loop retries.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection lost'));
  // A connection lost while checked out also emits 'error' on its client; unhandled, that would
  // end the process. The query in flight fails too, and its batch is retried with backoff.
  pool.on('connect', (client) => client.on('error', (error) => logger.warn({ err: error }, 'Postgres connection lost')));
  shutdown.register('postgres pool', () => pool.end());

  const serde = AvroSerde.connect(config.schemaRegistryUrl);
  const parts: ProcessorParts = { logger, metrics, pool, serde, shutdown };
  const schemaByTopic = new Map<string, AvroRecordSchema>();
  for (const topic of allTopics(config.topics)) {
    if (topic.schemaFile) schemaByTopic.set(topic.name, readContractSchema(topic.schemaFile));
  }

  const consumer = new TransactionalConsumer({
    brokers: config.kafkaBrokers,
    groupId: config.groupId,
    clientId: `l3-${name}-${config.instanceId}`,
    topics: definition.consumes,
    pool,
    handler: definition.createHandler(parts),
    processor: name,
    dlqTopicOf,
    logger,
    metrics,
    batchSize: config.batchSize,
    maxInFlight: config.maxInFlight ?? 1,
    commitMode: config.commitMode ?? 'exactly-once',
    kafkaConfig: { 'session.timeout.ms': config.sessionTimeoutMs, 'heartbeat.interval.ms': Math.floor(config.sessionTimeoutMs / 3) },
    signal: shutdown.signal,
    onFatal: (error) => void shutdown.fatal(error),
    ...(telemetry.enabled ? { tracer: telemetry.tracer } : {}),
  });

  const relay = config.relay
    ? new OutboxRelay({
        databaseUrl: config.databaseUrl,
        applicationName: `l3-${name}-relay`,
        brokers: config.kafkaBrokers,
        clientId: `l3-${name}-relay-${config.instanceId}`,
        serde,
        schemaForTopic: (t) => schemaByTopic.get(t),
        logger,
        metrics,
      })
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
    if (definition.startExtras) shutdown.register('background work', definition.startExtras(parts));
    await consumer.start();
    // Registered last so it stops first: finish and commit the batch, leave the group.
    shutdown.register('kafka consumer', () => consumer.stop());
    logger.info({ groupId: config.groupId, instanceId: config.instanceId, commitMode: config.commitMode ?? 'exactly-once', health: health.url }, `${name} started`);
  } catch (error) {
    await shutdown.fatal(error);
  }
}

/** Loads a processor's config, or exits with a one-line message naming the bad variable. */
export function loadConfigOrExit<T>(processor: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if ((error as Error).name !== 'ConfigError') throw error;
    process.stderr.write(`${processor}: invalid configuration: ${(error as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
}
