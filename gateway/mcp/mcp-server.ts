// One MCP server per HTTP request (stateless Streamable HTTP): tools/list and tools/call over
// the Truth API's tools, for one caller in one tenant transaction.
//
// Why the SDK's low-level Server and not McpServer.registerTool: McpServer parses a call's
// arguments itself and answers a failure with an uncoded message; here every refusal, bad
// arguments included, is a tool error with the gateway's code (BAD_USER_INPUT, as the GraphQL
// API answers). The tools are still zod schemas, advertised as JSON Schema (draft-07, what the
// SDK's own conversion and its client's validator use).
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { GatewayMetrics } from '../metrics.ts';
import { checkArgumentShape } from './input-shape.ts';
import type { ToolContext, ToolDefinition } from './tool-definition.ts';
import { ERROR_META_KEY, toolError, toolErrorOf, toolSuccess, type ErrorLogger, type ToolErrorMeta } from './tool-result.ts';

export const MCP_SERVER_INFO = Object.freeze({ name: 'aix-l3-truth-api', version: '0.1.0' });

const INSTRUCTIONS =
  'The AIX ontology (L3) of one tenant: typed objects and their links, and the actions agents may propose. ' +
  'Start with describe_types; read with search_objects, get_object, traverse and similar_objects; list_tools names the proposable actions; ' +
  'propose_action proposes one (people or policy approve it; nothing runs at once) and get_proposal follows it. ' +
  'A failed call is a tool error whose text starts with a code (BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, ...).';

export interface ToolCatalog {
  readonly tools: readonly ToolDefinition[];
  /** What tools/list answers, converted once. */
  readonly listed: readonly Tool[];
  readonly byName: ReadonlyMap<string, ToolDefinition>;
}

export function toolCatalog(tools: readonly ToolDefinition[]): ToolCatalog {
  const listed = tools.map(
    (tool): Tool => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: jsonSchema(tool.input, 'input') as Tool['inputSchema'],
      outputSchema: jsonSchema(tool.output, 'output') as Tool['outputSchema'],
      annotations: { title: tool.title, readOnlyHint: tool.readOnly, idempotentHint: tool.idempotent, destructiveHint: false, openWorldHint: false },
    }),
  );
  return { tools, listed, byName: new Map(tools.map((tool) => [tool.name, tool])) };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const converted = z.toJSONSchema(schema, { target: 'draft-7', io }) as Record<string, unknown>;
  delete converted.$schema;
  return converted;
}

export interface McpServerOptions {
  readonly catalog: ToolCatalog;
  readonly context: ToolContext;
  readonly production: boolean;
  readonly logger: ErrorLogger;
  readonly metrics: GatewayMetrics;
}

export function createMcpServer(options: McpServerOptions): Server {
  const server = new Server(MCP_SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...options.catalog.listed] }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = options.catalog.byName.get(request.params.name);
    const result = tool === undefined ? toolError('BAD_USER_INPUT', `no tool named ${JSON.stringify(request.params.name)} (tools/list names them)`) : await callTool(tool, request.params.arguments, options);
    const meta = result._meta?.[ERROR_META_KEY] as ToolErrorMeta | undefined;
    options.metrics.mcpToolCalls.inc({ tool: tool?.name ?? 'unknown', outcome: meta?.code ?? 'ok' });
    return result;
  });
  return server;
}

async function callTool(tool: ToolDefinition, args: unknown, options: McpServerOptions): Promise<CallToolResult> {
  try {
    checkArgumentShape(args ?? {});
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) return toolError('BAD_USER_INPUT', `invalid arguments for ${tool.name}: ${describeIssues(parsed.error)}`);
    const answer = await tool.run(parsed.data, options.context);
    return toolSuccess(answer.structured as Record<string, unknown>, answer.summary);
  } catch (error) {
    return toolErrorOf(error, { production: options.production, logger: options.logger, tool: tool.name });
  }
}

/** `path: message` of each issue (at most five), e.g. `first: Too big: expected number to be <=200`. */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((issue) => `${issue.path.length === 0 ? '(arguments)' : issue.path.join('.')}: ${issue.message}`);
  return issues.join('; ') + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '');
}
