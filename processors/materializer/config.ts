// The materializer's configuration: read from the environment once, validated, frozen. A bad
// value stops the process with a message naming the variable. Nothing else reads process.env.
import { hostname } from 'node:os';
import { resolveTopicNames, topicKeys, type TopicKey, type TopicNames } from '../../contracts/topics.ts';
import { isLogLevel, type LogLevel } from '../../runtime/logger.ts';
import type { CommitMode } from '../../runtime/kafka/transactional-consumer.ts';

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable} ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

export interface MaterializerConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly logLevel: LogLevel;
  readonly groupId: string;
  readonly instanceId: string;
  readonly batchSize: number;
  readonly commitMode: CommitMode;
  readonly healthHost: string;
  readonly healthPort: number;
  /** Whether this instance also runs the outbox relay (one relay publishes at a time anyway). */
  readonly relay: boolean;
  readonly poolSize: number;
  readonly sessionTimeoutMs: number;
  readonly topics: TopicNames;
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(name, 'is required');
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string {
  const raw = required(env, name);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  return raw;
}

export function loadMaterializerConfig(env: Env = process.env): MaterializerConfig {
  const brokers = required(env, 'KAFKA_BROKERS').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d{1,5}$/.test(b))) {
    throw new ConfigError('KAFKA_BROKERS', `must be host:port[,host:port...], got "${env.KAFKA_BROKERS}"`);
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!isLogLevel(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  const commitMode = env.MATERIALIZER_COMMIT_MODE || 'exactly-once';
  if (commitMode !== 'exactly-once' && commitMode !== 'at-least-once') {
    throw new ConfigError('MATERIALIZER_COMMIT_MODE', `must be exactly-once or at-least-once, got "${commitMode}"`);
  }
  const relay = env.MATERIALIZER_RELAY || 'on';
  if (relay !== 'on' && relay !== 'off') throw new ConfigError('MATERIALIZER_RELAY', `must be on or off, got "${relay}"`);
  // Topic names: L3_TOPIC_<KEY> overrides, e.g. L3_TOPIC_OBJECTS=dev.l2.ontology.objects.v1.
  const overrides: Partial<Record<TopicKey, string>> = {};
  for (const key of topicKeys) {
    const value = env[`L3_TOPIC_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`];
    if (value) overrides[key] = value;
  }
  let topics: TopicNames;
  try {
    topics = resolveTopicNames(overrides);
  } catch (error) {
    throw new ConfigError('L3_TOPIC_*', (error as Error).message);
  }
  return Object.freeze({
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    kafkaBrokers: Object.freeze(brokers),
    schemaRegistryUrl: url(env, 'SCHEMA_REGISTRY_URL', ['http:', 'https:']),
    logLevel,
    groupId: env.MATERIALIZER_GROUP_ID || 'l3-materializer',
    instanceId: env.MATERIALIZER_INSTANCE_ID || `${hostname()}-${process.pid}`,
    batchSize: integer(env, 'MATERIALIZER_BATCH_SIZE', 1000, 1, 100_000),
    commitMode,
    healthHost: env.MATERIALIZER_HEALTH_HOST || '127.0.0.1',
    healthPort: integer(env, 'MATERIALIZER_HEALTH_PORT', 9464, 0, 65_535),
    relay: relay === 'on',
    poolSize: integer(env, 'MATERIALIZER_DB_POOL_SIZE', 8, 2, 200),
    sessionTimeoutMs: integer(env, 'MATERIALIZER_SESSION_TIMEOUT_MS', 30_000, 3_000, 300_000),
    topics,
  });
}
