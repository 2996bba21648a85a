// The governance processor's configuration: read from the environment once, validated, frozen.
import { hostname } from 'node:os';
import type { TopicNames } from '../../contracts/topics.ts';
import { brokersValue, ConfigError, integerValue, logLevelValue, topicNamesValue, urlValue, choiceValue, type Env } from '../../runtime/config-values.ts';
import type { LogLevel } from '../../runtime/logger.ts';

export { ConfigError };

export interface GovernanceConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly logLevel: LogLevel;
  readonly groupId: string;
  readonly instanceId: string;
  readonly batchSize: number;
  readonly healthHost: string;
  readonly healthPort: number;
  readonly relay: boolean;
  readonly poolSize: number;
  readonly sessionTimeoutMs: number;
  /** Folder of per-tenant policy files `<tenantId>.yaml`; absent: the default policy for all. */
  readonly policyDir: string | undefined;
  readonly expirySweepMs: number;
  readonly topics: TopicNames;
}

export function loadGovernanceConfig(env: Env = process.env): GovernanceConfig {
  return Object.freeze({
    databaseUrl: urlValue(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    kafkaBrokers: brokersValue(env),
    schemaRegistryUrl: urlValue(env, 'SCHEMA_REGISTRY_URL', ['http:', 'https:']),
    logLevel: logLevelValue(env),
    groupId: env.GOVERNANCE_GROUP_ID || 'l3-governance',
    instanceId: env.GOVERNANCE_INSTANCE_ID || `${hostname()}-${process.pid}`,
    batchSize: integerValue(env, 'GOVERNANCE_BATCH_SIZE', 200, 1, 10_000),
    healthHost: env.GOVERNANCE_HEALTH_HOST || '127.0.0.1',
    healthPort: integerValue(env, 'GOVERNANCE_HEALTH_PORT', 9465, 0, 65_535),
    relay: choiceValue(env, 'GOVERNANCE_RELAY', ['on', 'off'], 'on') === 'on',
    poolSize: integerValue(env, 'GOVERNANCE_DB_POOL_SIZE', 8, 2, 200),
    sessionTimeoutMs: integerValue(env, 'GOVERNANCE_SESSION_TIMEOUT_MS', 30_000, 3_000, 300_000),
    policyDir: env.GOVERNANCE_POLICY_DIR || undefined,
    expirySweepMs: integerValue(env, 'GOVERNANCE_EXPIRY_SWEEP_MS', 5_000, 100, 3_600_000),
    topics: topicNamesValue(env),
  });
}
