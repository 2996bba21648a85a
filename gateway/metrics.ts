// What the gateway exposes on /metrics. One registry per instance (not prom-client's global one),
// so tests can build as many gateways as they like. Label values come from closed sets (route
// patterns, error codes), never from what a client sends, so a client cannot grow the series.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  readonly registry: Registry;
  /** HTTP requests by route pattern, method and status. */
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method'>;
  /** GraphQL operations by outcome: `ok`, or the first error's code. */
  readonly operations: Counter<'outcome'>;
  /** Request transactions opened (one per GraphQL request that touched the database). */
  readonly dbTransactions: Counter;
  /** Statements run inside request transactions. */
  readonly dbQueries: Counter;
  /** MCP tool calls by tool (a name of tools/list, or `unknown`) and outcome (`ok` or the error code). */
  readonly mcpToolCalls: Counter<'tool' | 'outcome'>;
}

// A read API: most answers take milliseconds; the statement timeout (5 s by default) caps the tail.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: registry, prefix: 'l3_gateway_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'l3_gateway_http_requests_total',
      help: 'HTTP requests by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'l3_gateway_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response',
      labelNames: ['route', 'method'] as const,
      buckets: DURATION_BUCKETS,
      registers,
    }),
    operations: new Counter({
      name: 'l3_gateway_graphql_operations_total',
      help: 'GraphQL operations by outcome (ok, or the error code of the first error)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    dbTransactions: new Counter({
      name: 'l3_gateway_db_transactions_total',
      help: 'Request transactions opened on Postgres',
      registers,
    }),
    dbQueries: new Counter({
      name: 'l3_gateway_db_queries_total',
      help: 'Statements run inside request transactions',
      registers,
    }),
    mcpToolCalls: new Counter({
      name: 'l3_gateway_mcp_tool_calls_total',
      help: 'MCP tool calls by tool and outcome (ok, or the error code)',
      labelNames: ['tool', 'outcome'] as const,
      registers,
    }),
  };
}
