// The gateway as a Fastify instance, built but not listening (Fastify's testing guide: tests
// call inject(), main.ts calls listen()). It serves:
//   POST/GET /graphql   the read API of schema.graphql (Mercurius), authenticated, tenant-scoped;
//                       the mutations of commands/ (Avro commands on Kafka)
//   WS /graphql         subscriptions (graphql-ws), fed from the l3.* topics (subscriptions/)
//   GET /graphiql       GraphiQL, development mode only
//   POST /mcp           the MCP Truth API (mcp/): the same token, tenant transaction, reads,
//                       redaction, roles and command producer as GraphQL; off with
//                       GATEWAY_MCP_ENABLED=false
//   GET /livez /readyz /metrics
//
// A GraphQL request goes through, in order: authentication, the batch limit and the NUL check
// (preHandler); persisted query lookup; parsing (token limit); validation (spec rules, depth,
// aliases, NUL characters, introspection in production); the cost limit (preExecution);
// execution (graphql-jit's compiled form from an operation's second request on) in one tenant
// transaction (opened by the first statement); and the transaction's end (onResolution, with the
// response hooks as backstops). Nothing before execution takes a database connection.
//
// Extending it (mutations, subscriptions, MCP): add SDL next to schema.graphql and pass it with
// its resolvers and loaders in `deps.extensions`; they get the same context (GatewayContext),
// role directive, limits and error codes.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fastify } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { specifiedRules, validate } from 'graphql';
import type { JWTVerifyGetKey } from 'jose';
import mercurius from 'mercurius';
import type { MercuriusLoaders } from 'mercurius';
import pg from 'pg';
import { AvroSerde } from '../contracts/serde/index.ts';
import { createLogger, type Logger } from '../runtime/logger.ts';
import { bearerToken, createTokenVerifier } from './auth.ts';
import { cachedTokenVerifier } from './token-cache.ts';
import { commandResolvers, kafkaCommandSink, MUTATIONS_SCHEMA_FILE, unconfiguredCommandResolvers, type CommandDeps, type CommandSink } from './commands/index.ts';
import type { GatewayConfig } from './config.ts';
import { verifyDatabaseRole } from './database-role.ts';
import { createErrorFormatter } from './error-formatter.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { gatewayLoaders, graphFieldResolvers } from './loaders/index.ts';
import { connectionAuthenticator, kafkaEventFeed, subscriptionResolvers, SUBSCRIPTIONS_SCHEMA_FILE, type EventFeed, type Publisher } from './subscriptions/index.ts';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.ts';
import { registerMcpRoute, toolCatalog, truthApiTools } from './mcp/index.ts';
import { aliasLimitRule } from './protection/alias-limit.ts';
import { batchLimitHook } from './protection/batch-limit.ts';
import { depthLimitRule } from './protection/depth-limit.ts';
import { noIntrospectionRule } from './protection/introspection.ts';
import { noNulStringsRule, nulCharacterHook } from './protection/nul-characters.ts';
import { loadPersistedQueries, persistedQueryProvider } from './protection/persisted-queries.ts';
import { jitGuardHook } from './protection/jit-guard.ts';
import { costLimitHook } from './protection/query-cost.ts';
import { attachScope, openRequestScope, scopeOf, type GatewayContext } from './request-scope.ts';
import { gatewayResolvers, mergeResolvers, type ResolverMap } from './resolvers/index.ts';
import { applyRoleChecks } from './role-checks.ts';
import { CatalogCache } from './sql/catalog.ts';
import { gatewayTypes } from './database-types.ts';
import { registerRequestTracing, traceErrors, traceOperation } from './request-tracing.ts';
import type { Tracer } from '@opentelemetry/api';

export const SCHEMA_FILE = new URL('./schema.graphql', import.meta.url);

export interface GatewayExtensions {
  /** More SDL (e.g. `type Mutation { ... }`, `extend type Query { ... }`). */
  readonly schema?: readonly string[];
  readonly resolvers?: ResolverMap;
  readonly loaders?: MercuriusLoaders;
}

export interface GatewayDeps {
  /** Default: a pino logger named gateway at config.logLevel. */
  readonly logger?: Logger;
  /** Default: a pool on config.databaseUrl, ended when the app closes. A given pool is left open. */
  readonly pool?: pg.Pool;
  readonly metrics?: GatewayMetrics;
  /** Replaces the remote JWKS in JWKS mode (tests). */
  readonly keySet?: JWTVerifyGetKey;
  /** Default: gateway/persisted-queries.json. */
  readonly persistedQueries?: ReadonlyMap<string, string>;
  /** Check at ready() that the database role cannot bypass RLS or write (default true). */
  readonly verifyDatabaseRole?: boolean;
  readonly extensions?: GatewayExtensions;
  /** Where mutations produce (default: an idempotent Kafka producer on config.commands, closed with the app). */
  readonly commandSink?: CommandSink;
  /** What feeds subscriptions (default: a Kafka consumer of the l3.* topics on config.commands; false: none). */
  readonly eventFeed?: EventFeed | false;
  /** OpenTelemetry tracer for request spans (gateway/request-tracing.ts); none when absent. */
  readonly tracer?: Tracer;
}

// GraphQL documents are small; a document of many thousand tokens is an attack on the parser
// and the validator, which run before any limit of ours can.
const MAX_TOKENS = 4_000;
const BODY_LIMIT_BYTES = 256 * 1024;

export async function buildGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger({ name: 'gateway', level: config.logLevel });
  const metrics = deps.metrics ?? createGatewayMetrics();
  const production = config.mode === 'production';
  // The tenants' ontology catalogs, reused while their fingerprint (checked on every request's
  // BEGIN, in its own snapshot) is unchanged.
  const catalogs = new CatalogCache();
  const ownsPool = deps.pool === undefined;
  const pool =
    deps.pool ??
    new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.poolSize,
      // A request waits this long for a connection, then fails (INTERNAL) instead of queueing forever.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'l3-gateway',
      types: gatewayTypes,
    });
  // An idle client's connection dying (a Postgres restart) is reported here; unhandled, it would
  // crash the process. The pool replaces the client on the next checkout.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));

  const app = fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: BODY_LIMIT_BYTES, genReqId: () => randomUUID() });
  if (ownsPool) app.addHook('onClose', async () => pool.end());
  if (deps.verifyDatabaseRole !== false) app.addHook('onReady', async () => verifyDatabaseRole(pool));

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
  });
  registerHealthRoutes(app, { pool, registry: metrics.registry, logger });
  if (deps.tracer !== undefined) registerRequestTracing(app, deps.tracer);

  const verifyToken = cachedTokenVerifier(createTokenVerifier(config.auth, deps.keySet === undefined ? {} : { keySet: deps.keySet }), config.tokenCache);
  // A WebSocket upgrade (GET /graphql for subscriptions) carries no bearer header: the
  // subscription authenticates in connection_init (subscriptions/connection-auth.ts).
  const isUpgrade = (request: FastifyRequest): boolean => (request as FastifyRequest & { ws?: boolean }).ws === true;
  const authenticate = async (request: FastifyRequest): Promise<void> => {
    if (isUpgrade(request)) return;
    const auth = await verifyToken(bearerToken(request.headers.authorization));
    attachScope(request, openRequestScope({ pool, auth, limits: config.limits, logger: request.log, metrics, catalogs }));
  };
  // The backstops: whatever happened (an error before execution, a batch, a client that hung
  // up), the transaction ends and its connection goes back to the pool. finish() is idempotent,
  // so the first hook to run ends it and the others do nothing.
  const endTransaction = async (request: FastifyRequest, outcome: 'commit' | 'rollback'): Promise<void> => {
    await scopeOf(request)?.db.finish(outcome);
  };

  const extensions = deps.extensions ?? {};
  let mutationResolvers: ResolverMap = unconfiguredCommandResolvers();
  let commands: CommandDeps | undefined;
  let feed: EventFeed | undefined;
  if (config.commands !== undefined && deps.eventFeed !== false) {
    feed =
      deps.eventFeed ??
      kafkaEventFeed({ brokers: config.commands.kafkaBrokers, serde: AvroSerde.connect(config.commands.schemaRegistryUrl), topics: config.commands.topics, logger });
  } else if (deps.eventFeed !== undefined && deps.eventFeed !== false) {
    feed = deps.eventFeed;
  }
  if (config.commands !== undefined) {
    const sink = deps.commandSink ?? kafkaCommandSink(config.commands.kafkaBrokers, logger);
    if (deps.commandSink === undefined) app.addHook('onClose', async () => sink.close());
    commands = {
      sink,
      serde: AvroSerde.connect(config.commands.schemaRegistryUrl),
      topics: config.commands.topics,
      pool,
      statementTimeoutMs: config.limits.statementTimeoutMs,
      waitTimeoutMs: config.commands.waitTimeoutMs,
      logger,
    };
    mutationResolvers = commandResolvers(commands);
  }
  if (config.mcpEnabled) {
    registerMcpRoute(app, { verifyToken, pool, limits: config.limits, catalogs, catalog: toolCatalog(truthApiTools(config.limits)), commands, production, logger, metrics });
  }
  const validationRules = [depthLimitRule(config.limits.maxDepth), aliasLimitRule(config.limits.maxAliases), noNulStringsRule];
  if (production) validationRules.push(noIntrospectionRule);

  await app.register(mercurius, {
    schema: [readFileSync(SCHEMA_FILE, 'utf8'), readFileSync(MUTATIONS_SCHEMA_FILE, 'utf8'), readFileSync(SUBSCRIPTIONS_SCHEMA_FILE, 'utf8'), ...(extensions.schema ?? [])],
    resolvers: gatewayResolvers(
      mergeResolvers(graphFieldResolvers(), mutationResolvers, subscriptionResolvers({ pool, statementTimeoutMs: config.limits.statementTimeoutMs, logger }), extensions.resolvers ?? {}),
    ),
    subscription: {
      onConnect: connectionAuthenticator(verifyToken, logger),
      // The socket, so a subscription can close its connection when the token expires.
      context: (socket: unknown) => ({ websocket: socket }),
    },
    loaders: { ...gatewayLoaders(), ...(extensions.loaders ?? {}) },
    schemaTransforms: [applyRoleChecks],
    context: (request: FastifyRequest) => scopeOf(request) ?? {},
    path: '/graphql',
    graphiql: !production,
    allowBatchedQueries: true,
    // The second request of an operation runs graphql-jit's compiled form (protection/jit-guard.ts
    // keeps the operations it cannot compile on graphql-js).
    jit: 1,
    validationRules,
    persistedQueryProvider: persistedQueryProvider(deps.persistedQueries ?? loadPersistedQueries(), config.persistedOnly),
    errorFormatter: createErrorFormatter({ production, logger, metrics }) as never,
    graphql: { parseOptions: { maxTokens: MAX_TOKENS } },
    additionalRouteOptions: {
      preHandler: [authenticate, skipUpgrade(batchLimitHook(config.limits.maxBatch)), skipUpgrade(nulCharacterHook)],
      onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        await endTransaction(request, reply.statusCode < 400 ? 'commit' : 'rollback');
        return payload;
      },
      onResponse: async (request: FastifyRequest) => endTransaction(request, 'rollback'),
      onRequestAbort: async (request: FastifyRequest) => endTransaction(request, 'rollback'),
    },
  });

  if (feed !== undefined) {
    const running = feed;
    app.addHook('onReady', async () => running.start(app.graphql.pubsub as unknown as Publisher));
    app.addHook('onClose', async () => running.close());
  }

  // Mercurius hands subscription documents to graphql-js' subscribe() without validating them:
  // the spec's rules and ours (depth, aliases, NUL, introspection in production) run here.
  app.graphql.addHook('preSubscriptionExecution', async (schema, document) => {
    const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
    if (errors.length > 0) throw errors[0];
  });
  app.graphql.addHook('preExecution', jitGuardHook());
  app.graphql.addHook('preExecution', costLimitHook({ maxCost: config.limits.maxCost, maxTraversalNodes: config.limits.maxTraversalNodes }));
  if (deps.tracer !== undefined) {
    app.graphql.addHook('preExecution', async (_schema, document, context) => {
      traceOperation((context as GatewayContext).reply.request, document);
    });
  }
  app.graphql.addHook('onResolution', async (execution, context) => {
    const { db, operationsCount } = context as GatewayContext;
    const code = (execution.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;
    if (deps.tracer !== undefined) {
      const codes = (execution.errors ?? []).map((e) => String((e as { extensions?: { code?: string } }).extensions?.code ?? 'INTERNAL'));
      traceErrors((context as GatewayContext).reply.request, codes);
    }
    metrics.operations.inc({ outcome: code ?? 'ok' });
    // A single operation is done: give the connection back before the response is serialized.
    // A batch's operations share the transaction; the response hooks end it after the last one.
    if (operationsCount === undefined || operationsCount === 1) await db?.finish(execution.errors === undefined ? 'commit' : 'rollback');
  });
  return app;
}

/** The GraphQL request checks do not apply to a WebSocket upgrade (subscriptions check their own operations). */
function skipUpgrade(hook: (request: FastifyRequest) => Promise<void>): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if ((request as FastifyRequest & { ws?: boolean }).ws === true) return;
    await hook(request);
  };
}
