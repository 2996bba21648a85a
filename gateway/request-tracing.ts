// OpenTelemetry spans for the gateway's HTTP requests (runtime/telemetry.ts): one SERVER span per
// GraphQL or MCP request, the child of the request's `traceparent` header when it has a valid
// one, named after the route and, for GraphQL, carrying the operation's name and type. Health
// and metrics scrapes are not traced.
import { SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { contextFromTraceparent } from '../runtime/telemetry.ts';
import { scopeOf } from './request-scope.ts';

const UNTRACED = new Set(['/livez', '/readyz', '/metrics']);
const spans = new WeakMap<FastifyRequest, Span>();

export function registerRequestTracing(app: FastifyInstance, tracer: Tracer): void {
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (UNTRACED.has(route)) return;
    const header = request.headers.traceparent;
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route, 'l3.request_id': request.id } },
      contextFromTraceparent(typeof header === 'string' ? header : undefined),
    );
    spans.set(request, span);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (span === undefined) return;
    const tenantId = scopeOf(request)?.auth.tenantId;
    if (tenantId !== undefined) span.setAttribute('l3.tenant_id', tenantId);
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

/** Names the request's span after its GraphQL operation (Mercurius preExecution hook). */
export function traceOperation(request: FastifyRequest, document: DocumentNode): void {
  const span = spans.get(request);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (span === undefined || operation === undefined) return;
  const name = operation.name?.value;
  span.setAttributes({ 'graphql.operation.type': operation.operation, ...(name ? { 'graphql.operation.name': name } : {}) });
  span.updateName(`${operation.operation} ${name ?? 'anonymous'}`);
}

/** Records the GraphQL error codes of a response on its request's span. */
export function traceErrors(request: FastifyRequest, codes: readonly string[]): void {
  const span = spans.get(request);
  if (span === undefined || codes.length === 0) return;
  span.setAttribute('graphql.error.codes', [...new Set(codes)]);
}
