// Parsing of environment values for the deployables' config.ts files: each failure names the
// variable, and a ConfigError makes the process exit with a one-line message (EX_CONFIG).
import { resolveTopicNames, topicKeys, type TopicKey, type TopicNames } from '../contracts/topics.ts';
import { isLogLevel, type LogLevel } from './logger.ts';

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable} ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export function requiredValue(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(name, 'is required');
  return value;
}

export function integerValue(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function urlValue(env: Env, name: string, protocols: readonly string[]): string {
  const raw = requiredValue(env, name);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  return raw;
}

export function brokersValue(env: Env, name = 'KAFKA_BROKERS'): readonly string[] {
  const brokers = requiredValue(env, name).split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d{1,5}$/.test(b))) {
    throw new ConfigError(name, `must be host:port[,host:port...], got "${env[name]}"`);
  }
  return Object.freeze(brokers);
}

export function choiceValue<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name] || fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** The variable that overrides a topic: ontologyChanges -> L3_TOPIC_ONTOLOGY_CHANGES. */
export function topicVariable(key: string): string {
  return `L3_TOPIC_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Topic names with L3_TOPIC_<KEY> overrides (e.g. L3_TOPIC_ONTOLOGY_CHANGES=dev.l3.ontology.changes.v1). */
export function topicNamesValue(env: Env): TopicNames {
  const overrides: Partial<Record<TopicKey, string>> = {};
  for (const key of topicKeys) {
    const value = env[topicVariable(key)];
    if (value) overrides[key] = value;
  }
  try {
    return resolveTopicNames(overrides);
  } catch (error) {
    // resolveTopicNames names the catalog key ("objects"); the operator set L3_TOPIC_OBJECTS.
    const key = /"([A-Za-z]+)"/.exec((error as Error).message)?.[1];
    throw new ConfigError(key ? topicVariable(key) : 'L3_TOPIC_*', (error as Error).message);
  }
}

export function logLevelValue(env: Env): LogLevel {
  const level = env.LOG_LEVEL || 'info';
  if (!isLogLevel(level)) throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent; got "${level}"`);
  return level;
}
