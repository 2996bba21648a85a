// POST /mcp: the MCP Truth API over Streamable HTTP, stateless (no session: every request stands
// alone, so any gateway instance can answer any request). Each request is authenticated like a
// GraphQL request (Bearer JWT, auth.ts), before its body is read; a refused one gets the status
// of its code (401 with WWW-Authenticate for a bad token) and a JSON-RPC error naming the code.
// An accepted one runs its tool call in one tenant transaction as l3_gateway (SET LOCAL
// app.tenant_id, tenant-transaction.ts), opened on the first statement and ended when the
// response has been written (or the client went away). GET and DELETE /mcp answer 405: a
// stateless server offers no standalone event stream and has no session to end (MCP
// Streamable HTTP transport).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Pool } from 'pg';
import type { Logger } from '../../runtime/logger.ts';
import { bearerToken, type AuthContext, type TokenVerifier } from '../auth.ts';
import type { CommandDeps } from '../commands/index.ts';
import type { GatewayLimits } from '../config.ts';
import { GATEWAY_ERRORS, GatewayError, type GatewayErrorCode } from '../errors.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { openRequestScope } from '../request-scope.ts';
import type { CatalogCache } from '../sql/catalog.ts';
import { createMcpServer, type ToolCatalog } from './mcp-server.ts';

export const MCP_PATH = '/mcp';

export interface McpRouteOptions {
  readonly verifyToken: TokenVerifier;
  readonly pool: Pool;
  readonly limits: GatewayLimits;
  readonly catalog: ToolCatalog;
  /** The gateway's ontology catalogs (gateway/sql/catalog.ts), shared with GraphQL requests. */
  readonly catalogs?: CatalogCache;
  /** Undefined when the gateway has no Kafka: propose_action then answers INTERNAL. */
  readonly commands: CommandDeps | undefined;
  readonly production: boolean;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

// JSON-RPC 2.0 §5.1 leaves -32000 to -32099 to implementations; the gateway's code is in `data`.
const JSON_RPC_SERVER_ERROR = -32001;

export function registerMcpRoute(app: FastifyInstance, options: McpRouteOptions): void {
  const callers = new WeakMap<FastifyRequest, AuthContext>();

  app.post(MCP_PATH, {
    // Authenticate before the body is parsed: an unauthenticated client gets nothing read for it.
    onRequest: async (request, reply) => {
      try {
        callers.set(request, await options.verifyToken(bearerToken(request.headers.authorization)));
      } catch (error) {
        const refusal = error instanceof GatewayError ? error : new GatewayError('INTERNAL', undefined, { cause: error });
        if (refusal.code === 'INTERNAL') request.log.error({ err: refusal }, 'cannot authenticate an MCP request');
        if (refusal.code === 'UNAUTHENTICATED') {
          // RFC 6750 §3: no error attribute when the request carried no token.
          reply.header('www-authenticate', request.headers.authorization === undefined ? 'Bearer' : 'Bearer error="invalid_token"');
        }
        return refuse(reply, refusal.code, refusal.message);
      }
    },
    handler: async (request, reply) => {
      const auth = callers.get(request)!;
      const scope = openRequestScope({ pool: options.pool, auth, limits: options.limits, logger: request.log, metrics: options.metrics, catalogs: options.catalogs });
      const db = scope.db;
      const traceparent = typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined;
      const server = createMcpServer({
        catalog: options.catalog,
        context: { scope, commands: options.commands, traceparent },
        production: options.production,
        logger: request.log,
        metrics: options.metrics,
      });
      // sessionIdGenerator undefined: stateless. JSON responses: a tool call answers once, so an
      // event stream would only add framing.
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      // A client that hangs up mid-call must not keep the connection from the pool.
      reply.raw.once('close', () => void db.finish('rollback'));
      reply.hijack();
      try {
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
      } catch (error) {
        request.log.error({ err: error }, 'the MCP transport failed');
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(jsonRpcError('INTERNAL', GATEWAY_ERRORS.INTERNAL.message)));
        }
      } finally {
        // Reads only: commit and rollback end it alike; commit unless a statement failed.
        await db.finish('commit');
        await server.close().catch((error: unknown) => request.log.warn({ err: error }, 'closing the MCP server failed'));
      }
    },
  });

  const notAllowed = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('allow', 'POST');
    return reply.code(405).send(jsonRpcError('BAD_USER_INPUT', 'this MCP server is stateless: send JSON-RPC messages with POST; there is no event stream to open or session to end'));
  };
  app.get(MCP_PATH, notAllowed);
  app.delete(MCP_PATH, notAllowed);
}

function refuse(reply: FastifyReply, code: GatewayErrorCode, message: string): FastifyReply {
  return reply.code(GATEWAY_ERRORS[code].status).header('content-type', 'application/json').send(jsonRpcError(code, message));
}

function jsonRpcError(code: GatewayErrorCode, message: string) {
  return { jsonrpc: '2.0', error: { code: JSON_RPC_SERVER_ERROR, message: `${code}: ${message}`, data: { code } }, id: null };
}
