// gateway/config.ts: defaults, the one-of-two auth rule, production's refusal of a shared
// secret, and a message naming the variable for every bad value.
import t from 'tap';
import { ConfigError, loadGatewayConfig } from '../../gateway/config.ts';

const DB = 'postgres://l3_gateway:pw@127.0.0.1:55432/l3';
const SECRET = 's'.repeat(32);

t.test('defaults: production, loopback, 8080, the documented limits', async (t) => {
  const config = loadGatewayConfig({ DATABASE_URL: DB, JWKS_URL: 'https://id.example/.well-known/jwks.json' });
  t.equal(config.mode, 'production');
  t.equal(config.host, '127.0.0.1');
  t.equal(config.port, 8080);
  t.equal(config.persistedOnly, false);
  t.equal(config.mcpEnabled, true, 'MCP is on unless turned off');
  t.equal(config.logLevel, 'info');
  t.same(config.auth, { kind: 'jwks', jwksUrl: 'https://id.example/.well-known/jwks.json', issuer: undefined, audience: undefined });
  t.same(config.limits, { maxDepth: 8, maxCost: 5000, maxAliases: 20, maxBatch: 10, maxPageSize: 200, maxTraversalNodes: 500, statementTimeoutMs: 5000 });
  t.same(config.tokenCache, { size: 10_000, maxAgeMs: 60_000 });
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.limits));
});

t.test('every variable is read', async (t) => {
  const config = loadGatewayConfig({
    DATABASE_URL: DB,
    JWT_SECRET: SECRET,
    JWT_ISSUER: 'iss',
    JWT_AUDIENCE: 'aud',
    GATEWAY_MODE: 'development',
    GATEWAY_HOST: '0.0.0.0',
    GATEWAY_PORT: '9000',
    GATEWAY_DB_POOL_SIZE: '3',
    GATEWAY_MAX_DEPTH: '5',
    GATEWAY_MAX_COST: '100',
    GATEWAY_MAX_ALIASES: '0',
    GATEWAY_MAX_BATCH: '2',
    GATEWAY_MAX_PAGE_SIZE: '50',
    GATEWAY_MAX_TRAVERSAL_NODES: '20',
    GATEWAY_STATEMENT_TIMEOUT_MS: '250',
    GATEWAY_PERSISTED_ONLY: 'true',
    GATEWAY_MCP_ENABLED: 'false',
    GATEWAY_TOKEN_CACHE_SIZE: '0',
    GATEWAY_TOKEN_CACHE_TTL_MS: '5000',
    LOG_LEVEL: 'debug',
  });
  t.same(
    [config.host, config.port, config.poolSize, config.mode, config.persistedOnly, config.mcpEnabled, config.logLevel],
    ['0.0.0.0', 9000, 3, 'development', true, false, 'debug'],
  );
  t.same(config.auth, { kind: 'secret', secret: SECRET, issuer: 'iss', audience: 'aud' });
  t.same(config.limits, { maxDepth: 5, maxCost: 100, maxAliases: 0, maxBatch: 2, maxPageSize: 50, maxTraversalNodes: 20, statementTimeoutMs: 250 });
  t.same(config.tokenCache, { size: 0, maxAgeMs: 5000 });
});

t.test('bad values stop with a ConfigError naming the variable', async (t) => {
  const dev = { DATABASE_URL: DB, JWT_SECRET: SECRET, GATEWAY_MODE: 'development' };
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ JWT_SECRET: SECRET, GATEWAY_MODE: 'development' }, 'DATABASE_URL', /required/],
    [{ ...dev, DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ DATABASE_URL: DB, GATEWAY_MODE: 'development' }, 'JWT_SECRET', /or JWKS_URL is required/],
    [{ ...dev, JWKS_URL: 'https://id.example/jwks' }, 'JWT_SECRET', /both set/],
    [{ DATABASE_URL: DB, JWT_SECRET: SECRET }, 'JWT_SECRET', /development only/],
    [{ ...dev, JWT_SECRET: 'short' }, 'JWT_SECRET', /at least 32/],
    [{ DATABASE_URL: DB, JWKS_URL: 'http://id.example/jwks' }, 'JWKS_URL', /https/],
    [{ DATABASE_URL: DB, JWKS_URL: 'not a url' }, 'JWKS_URL', /valid URL/],
    [{ ...dev, GATEWAY_MODE: 'staging' }, 'GATEWAY_MODE', /development, production/],
    [{ ...dev, GATEWAY_PORT: '70000' }, 'GATEWAY_PORT', /integer/],
    [{ ...dev, GATEWAY_MAX_DEPTH: 'deep' }, 'GATEWAY_MAX_DEPTH', /integer/],
    [{ ...dev, GATEWAY_MAX_COST: '0' }, 'GATEWAY_MAX_COST', /integer/],
    [{ ...dev, GATEWAY_MAX_BATCH: '0' }, 'GATEWAY_MAX_BATCH', /integer/],
    [{ ...dev, GATEWAY_MAX_PAGE_SIZE: '5000' }, 'GATEWAY_MAX_PAGE_SIZE', /integer/],
    [{ ...dev, GATEWAY_STATEMENT_TIMEOUT_MS: '-1' }, 'GATEWAY_STATEMENT_TIMEOUT_MS', /integer/],
    [{ ...dev, GATEWAY_PERSISTED_ONLY: 'yes' }, 'GATEWAY_PERSISTED_ONLY', /true, false/],
    [{ ...dev, GATEWAY_MCP_ENABLED: 'off' }, 'GATEWAY_MCP_ENABLED', /true, false/],
    [{ ...dev, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
  ];
  for (const [env, variable, message] of cases) {
    try {
      loadGatewayConfig(env);
      t.fail(`${variable} should be refused`);
    } catch (error) {
      t.ok(error instanceof ConfigError, `${variable}: a ConfigError`);
      t.equal((error as ConfigError).variable, variable);
      t.match((error as Error).message, message, `${variable}: ${(error as Error).message}`);
    }
  }
  t.same(loadGatewayConfig({ DATABASE_URL: DB, JWKS_URL: 'http://127.0.0.1:9999/jwks' }).auth.kind, 'jwks', 'plain http is fine on loopback');
});
