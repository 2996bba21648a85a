// The command line's configuration, read from the environment once. Endpoints default to the
// embedded stack's, so `bin/l3 ...` works out of the box and the same commands work against any
// other cluster when KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set.
import { loadStackConfig } from '../stack/config.ts';
import { EmbeddedStack } from '../stack/stack.ts';
import { CliError } from './cli-error.ts';

export interface CliConfig {
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly postgresAdminUrl: string;
  readonly topicReplicationFactor: number;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new CliError('USAGE', `${name} must be a positive integer, got "${raw}"`);
  return value;
}

function url(name: string, raw: string | undefined, fallback: string): string {
  const value = raw || fallback;
  try {
    new URL(value);
  } catch {
    throw new CliError('USAGE', `${name} is not a valid URL: "${value}"`);
  }
  return value;
}

export function loadCliConfig(): CliConfig {
  const stack = new EmbeddedStack(loadStackConfig()).endpoints();
  const brokers = (process.env.KAFKA_BROKERS || stack.kafkaBrokers).split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) {
    throw new CliError('USAGE', `KAFKA_BROKERS must be host:port[,host:port...], got "${process.env.KAFKA_BROKERS}"`);
  }
  return Object.freeze({
    kafkaBrokers: Object.freeze(brokers),
    schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', process.env.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl),
    postgresAdminUrl: url('L3_PG_ADMIN_URL', process.env.L3_PG_ADMIN_URL, stack.postgresAdminUrl),
    topicReplicationFactor: positiveInteger('L3_TOPIC_REPLICATION_FACTOR', process.env.L3_TOPIC_REPLICATION_FACTOR, 1),
  });
}
