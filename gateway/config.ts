// The gateway's configuration: read from the environment once, validated, frozen. A bad value
// stops the process with a message naming the variable (main.ts exits with 78, EX_CONFIG).
// Nothing else in gateway/ reads process.env.
import type { LogLevel } from '../runtime/logger.ts';
import type { TopicNames } from '../contracts/topics.ts';
import { brokersValue, choiceValue, ConfigError, integerValue, logLevelValue, topicNamesValue, urlValue, type Env } from '../runtime/config-values.ts';

export { ConfigError };

export const GATEWAY_MODES = ['development', 'production'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

/**
 * How tokens are verified: an HS256 shared secret (development: tests and the local stack sign
 * their own tokens) or the identity provider's JSON Web Key Set (production).
 */
export type AuthConfig =
  | { readonly kind: 'secret'; readonly secret: string; readonly issuer?: string; readonly audience?: string }
  | { readonly kind: 'jwks'; readonly jwksUrl: string; readonly issuer?: string; readonly audience?: string };

/** What one request may ask for; every limit is enforced before any resolver runs or in the resolver that owns it. */
export interface GatewayLimits {
  /** Deepest field nesting of an operation (introspection fields do not count). */
  readonly maxDepth: number;
  /** Static cost budget of one operation (gateway/protection/query-cost.ts). */
  readonly maxCost: number;
  /** Aliased fields in one document: aliases are how one request asks for the same field many times. */
  readonly maxAliases: number;
  /** Operations in one batched request. */
  readonly maxBatch: number;
  /** Largest `first` of a paginated field. */
  readonly maxPageSize: number;
  /** Objects one traversal may visit, whatever its depth and fan-out. */
  readonly maxTraversalNodes: number;
  /** Postgres statement_timeout of every query a request runs (SET LOCAL). */
  readonly statementTimeoutMs: number;
}

/**
 * Where mutations send their commands (Avro on Kafka, schemas from the registry). Absent when
 * neither KAFKA_BROKERS nor SCHEMA_REGISTRY_URL is set: the gateway then serves reads only and
 * mutations answer INTERNAL ("commands are not configured").
 */
export interface CommandsConfig {
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  /** Topic names with L3_TOPIC_<KEY> overrides (proposals, decisions, and the l3.* feeds). */
  readonly topics: TopicNames;
  /** How long a mutation with `wait: true` waits for the processor (GATEWAY_WAIT_TIMEOUT_MS). */
  readonly waitTimeoutMs: number;
}

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  /** The l3_gateway role's URL: SELECT only, no BYPASSRLS (checked at start). */
  readonly databaseUrl: string;
  readonly poolSize: number;
  readonly auth: AuthConfig;
  readonly mode: GatewayMode;
  readonly logLevel: LogLevel;
  readonly limits: GatewayLimits;
  /** Only the queries of gateway/persisted-queries.json are executed; ad-hoc documents are refused. */
  readonly persistedOnly: boolean;
  readonly commands: CommandsConfig | undefined;
  /** Whether /mcp serves the MCP Truth API (gateway/mcp/); GATEWAY_MCP_ENABLED, default true. */
  readonly mcpEnabled: boolean;
  /** Verified tokens remembered (gateway/token-cache.ts); size 0 turns the cache off. */
  readonly tokenCache: { readonly size: number; readonly maxAgeMs: number };
}

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits).
const MIN_SECRET_LENGTH = 32;

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const mode = choiceValue<GatewayMode>(env, 'GATEWAY_MODE', GATEWAY_MODES, 'production');
  const auth = authValue(env, mode);
  const persistedOnly = choiceValue(env, 'GATEWAY_PERSISTED_ONLY', ['true', 'false'], 'false') === 'true';
  return Object.freeze({
    host: env.GATEWAY_HOST || '127.0.0.1',
    port: integerValue(env, 'GATEWAY_PORT', 8080, 0, 65_535),
    databaseUrl: urlValue(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    poolSize: integerValue(env, 'GATEWAY_DB_POOL_SIZE', 10, 1, 200),
    auth,
    mode,
    logLevel: logLevelValue(env),
    limits: Object.freeze({
      maxDepth: integerValue(env, 'GATEWAY_MAX_DEPTH', 8, 2, 64),
      maxCost: integerValue(env, 'GATEWAY_MAX_COST', 5000, 10, 10_000_000),
      maxAliases: integerValue(env, 'GATEWAY_MAX_ALIASES', 20, 0, 1000),
      maxBatch: integerValue(env, 'GATEWAY_MAX_BATCH', 10, 1, 100),
      maxPageSize: integerValue(env, 'GATEWAY_MAX_PAGE_SIZE', 200, 1, 1000),
      maxTraversalNodes: integerValue(env, 'GATEWAY_MAX_TRAVERSAL_NODES', 500, 1, 10_000),
      statementTimeoutMs: integerValue(env, 'GATEWAY_STATEMENT_TIMEOUT_MS', 5000, 10, 600_000),
    }),
    persistedOnly,
    commands: commandsValue(env),
    mcpEnabled: choiceValue(env, 'GATEWAY_MCP_ENABLED', ['true', 'false'], 'true') === 'true',
    tokenCache: Object.freeze({
      size: integerValue(env, 'GATEWAY_TOKEN_CACHE_SIZE', 10_000, 0, 1_000_000),
      maxAgeMs: integerValue(env, 'GATEWAY_TOKEN_CACHE_TTL_MS', 60_000, 1_000, 3_600_000),
    }),
  });
}

function commandsValue(env: Env): CommandsConfig | undefined {
  const waitTimeoutMs = integerValue(env, 'GATEWAY_WAIT_TIMEOUT_MS', 10_000, 100, 300_000);
  const topics = topicNamesValue(env);
  if (!env.KAFKA_BROKERS && !env.SCHEMA_REGISTRY_URL) return undefined;
  if (!env.KAFKA_BROKERS) throw new ConfigError('KAFKA_BROKERS', 'is required when SCHEMA_REGISTRY_URL is set (mutations need both)');
  return Object.freeze({
    kafkaBrokers: brokersValue(env),
    schemaRegistryUrl: urlValue(env, 'SCHEMA_REGISTRY_URL', ['http:', 'https:']),
    topics,
    waitTimeoutMs,
  });
}

function authValue(env: Env, mode: GatewayMode): AuthConfig {
  const secret = env.JWT_SECRET || undefined;
  const jwks = env.JWKS_URL || undefined;
  const issuer = env.JWT_ISSUER || undefined;
  const audience = env.JWT_AUDIENCE || undefined;
  if (secret !== undefined && jwks !== undefined) throw new ConfigError('JWT_SECRET', 'and JWKS_URL are both set; set exactly one');
  if (secret === undefined && jwks === undefined) throw new ConfigError('JWT_SECRET', 'or JWKS_URL is required (JWT_SECRET for development, JWKS_URL for production)');
  if (secret !== undefined) {
    // A shared secret lets whoever holds it mint a token for any tenant: fine for a laptop and
    // the tests, never for a deployment.
    if (mode === 'production') throw new ConfigError('JWT_SECRET', 'is for development only; in production (GATEWAY_MODE=production) set JWKS_URL');
    if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters (HS256, RFC 7518 §3.2)`);
    return Object.freeze({ kind: 'secret', secret, issuer, audience });
  }
  const jwksUrl = urlValue(env, 'JWKS_URL', ['https:', 'http:']);
  // Keys fetched over plain HTTP can be swapped by anyone on the path; loopback is the exception
  // (a sidecar, or the tests' key server).
  if (new URL(jwksUrl).protocol === 'http:' && !isLoopback(new URL(jwksUrl).hostname)) {
    throw new ConfigError('JWKS_URL', `must use https: unless the host is loopback, got "${jwksUrl}"`);
  }
  return Object.freeze({ kind: 'jwks', jwksUrl, issuer, audience });
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
