// Builds gateways over a test database and sends GraphQL requests with inject().
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { buildGateway, type GatewayDeps } from '../../../gateway/build-server.ts';
import { loadGatewayConfig } from '../../../gateway/config.ts';
import { createGatewayMetrics, type GatewayMetrics } from '../../../gateway/metrics.ts';
import { createLogger } from '../../../runtime/logger.ts';
import { TEST_JWT_SECRET } from './tokens.ts';

export interface TestGateway {
  readonly app: FastifyInstance;
  readonly metrics: GatewayMetrics;
  /** POSTs one operation (or a batch, when `body` is an array) with the token. */
  post(token: string | undefined, body: unknown, headers?: Record<string, string>): Promise<GraphQLResponse>;
  /** POSTs `{query, variables}`. */
  query(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  /** The counter of statements run in request transactions. */
  dbQueries(): Promise<number>;
  dbTransactions(): Promise<number>;
}

export interface GraphQLResponse {
  readonly statusCode: number;
  readonly headers: LightMyRequestResponse['headers'];
  readonly body: {
    data?: Record<string, any> | null;
    errors?: { message: string; path?: (string | number)[]; extensions: { code: string } }[];
  } & Record<string, any>;
  /** The error codes, in order. */
  readonly codes: string[];
}

export async function startGateway(t: Test, databaseUrl: string, env: Record<string, string> = {}, deps: GatewayDeps = {}): Promise<TestGateway> {
  const config = loadGatewayConfig({ DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET, GATEWAY_MODE: 'development', LOG_LEVEL: 'silent', ...env });
  const metrics = deps.metrics ?? createGatewayMetrics();
  const app = await buildGateway(config, { logger: createLogger({ name: 'gateway-test', level: config.logLevel }), metrics, ...deps });
  t.teardown(() => app.close());
  await app.ready();
  const post = async (token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse> => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
      payload: JSON.stringify(body),
    });
    const parsed = response.json() as GraphQLResponse['body'];
    const codes = Array.isArray(parsed) ? [] : (parsed.errors ?? []).map((error) => error.extensions?.code);
    return { statusCode: response.statusCode, headers: response.headers, body: parsed, codes };
  };
  const counter = async (name: string): Promise<number> => {
    const metric = await metrics.registry.getSingleMetric(name)?.get();
    return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
  };
  return {
    app,
    metrics,
    post,
    query: (token, query, variables) => post(token, variables === undefined ? { query } : { query, variables }),
    dbQueries: () => counter('l3_gateway_db_queries_total'),
    dbTransactions: () => counter('l3_gateway_db_transactions_total'),
  };
}
