// The materializer's configuration: read from the environment once, validated, frozen. A bad
// value stops the process with a message naming the variable. Nothing else reads process.env.
import { hostname } from 'node:os';
import type { TopicNames } from '../../contracts/topics.ts';
import type { LogLevel } from '../../runtime/logger.ts';
import type { CommitMode } from '../../runtime/kafka/transactional-consumer.ts';
import { brokersValue, choiceValue, ConfigError, integerValue, logLevelValue, topicNamesValue, urlValue, type Env } from '../../runtime/config-values.ts';

export { ConfigError };

export interface MaterializerConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly logLevel: LogLevel;
  readonly groupId: string;
  readonly instanceId: string;
  readonly batchSize: number;
  /** Batch transactions at once, on disjoint partitions (docs/adr/0010-batches-in-flight.md). */
  readonly maxInFlight: number;
  readonly commitMode: CommitMode;
  readonly healthHost: string;
  readonly healthPort: number;
  /** Whether this instance also runs the outbox relay (one relay publishes at a time anyway). */
  readonly relay: boolean;
  readonly poolSize: number;
  readonly sessionTimeoutMs: number;
  readonly topics: TopicNames;
}

export function loadMaterializerConfig(env: Env = process.env): MaterializerConfig {
  const brokers = brokersValue(env);
  const logLevel = logLevelValue(env);
  const commitMode = choiceValue<CommitMode>(env, 'MATERIALIZER_COMMIT_MODE', ['exactly-once', 'at-least-once'], 'exactly-once');
  const relay = choiceValue(env, 'MATERIALIZER_RELAY', ['on', 'off'], 'on');
  const topics = topicNamesValue(env);
  const maxInFlight = integerValue(env, 'MATERIALIZER_MAX_IN_FLIGHT', 2, 1, 16);
  const poolSize = integerValue(env, 'MATERIALIZER_DB_POOL_SIZE', 8, 2, 200);
  // Each batch in flight holds a connection; the offset claims and the readiness probe need one
  // each (the relay has its own session, outside the pool).
  if (poolSize < maxInFlight + 2) {
    throw new ConfigError('MATERIALIZER_DB_POOL_SIZE', `must be at least MATERIALIZER_MAX_IN_FLIGHT + 2 (${maxInFlight + 2}), got ${poolSize}`);
  }
  return Object.freeze({
    databaseUrl: urlValue(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    kafkaBrokers: brokers,
    schemaRegistryUrl: urlValue(env, 'SCHEMA_REGISTRY_URL', ['http:', 'https:']),
    logLevel,
    groupId: env.MATERIALIZER_GROUP_ID || 'l3-materializer',
    instanceId: env.MATERIALIZER_INSTANCE_ID || `${hostname()}-${process.pid}`,
    batchSize: integerValue(env, 'MATERIALIZER_BATCH_SIZE', 1000, 1, 100_000),
    maxInFlight,
    commitMode,
    healthHost: env.MATERIALIZER_HEALTH_HOST || '127.0.0.1',
    healthPort: integerValue(env, 'MATERIALIZER_HEALTH_PORT', 9464, 0, 65_535),
    relay: relay === 'on',
    poolSize,
    sessionTimeoutMs: integerValue(env, 'MATERIALIZER_SESSION_TIMEOUT_MS', 30_000, 3_000, 300_000),
    topics,
  });
}
