// Tool results in MCP's shape (CallToolResult): a success carries `structuredContent` (valid
// against the tool's output schema) and its text rendering, as the MCP spec asks of tools with
// structured output ("should also return the serialized JSON in a TextContent block"); a failure
// is a tool error (`isError: true`) whose text starts with the gateway's error code and whose
// `_meta` carries it, so an agent can branch on the code as a GraphQL client does on
// `extensions.code`. A failure has no structuredContent: clients validate it against the output
// schema, which describes successes.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GATEWAY_ERRORS, GatewayError, type GatewayErrorCode } from '../errors.ts';

/** The `_meta` key of a tool error's code. */
export const ERROR_META_KEY = 'aix.l3/error';

export interface ToolErrorMeta {
  readonly code: GatewayErrorCode;
  readonly retryable: boolean;
}

export function toolSuccess(structured: Record<string, unknown>, summary: string): CallToolResult {
  return {
    structuredContent: structured,
    content: [{ type: 'text', text: `${summary}\n${JSON.stringify(structured)}` }],
  };
}

export function toolError(code: GatewayErrorCode, message: string): CallToolResult {
  const meta: ToolErrorMeta = { code, retryable: GATEWAY_ERRORS[code].retryable };
  return { isError: true, content: [{ type: 'text', text: `${code}: ${message}` }], _meta: { [ERROR_META_KEY]: meta } };
}

/** Where unexpected errors are logged (the request's pino logger). */
export interface ErrorLogger {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface ErrorContext {
  readonly production: boolean;
  readonly logger: ErrorLogger;
  readonly tool: string;
}

/**
 * A thrown error as a tool error: a GatewayError keeps its code and message (written for
 * clients); anything else is INTERNAL, logged here once with its cause, and says only "internal
 * error" in production.
 */
export function toolErrorOf(error: unknown, context: ErrorContext): CallToolResult {
  if (error instanceof GatewayError) {
    if (error.code === 'INTERNAL') context.logger.error({ err: error, tool: context.tool }, 'internal error in an MCP tool call');
    else if (error.code === 'QUERY_TIMEOUT') context.logger.warn({ err: error, tool: context.tool }, 'statement timeout in an MCP tool call');
    return toolError(error.code, error.message);
  }
  context.logger.error({ err: error, tool: context.tool }, 'internal error in an MCP tool call');
  const message = context.production ? GATEWAY_ERRORS.INTERNAL.message : error instanceof Error ? error.message : String(error);
  return toolError('INTERNAL', message);
}
