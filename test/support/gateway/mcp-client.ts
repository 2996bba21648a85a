// The official MCP TypeScript SDK client over Streamable HTTP against a test gateway that
// listens on a loopback port, and what a tool call returned: its structured content, its text,
// and the gateway's error code of a tool error.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { ERROR_META_KEY } from '../../../gateway/mcp/index.ts';

/** Makes `app` listen on a free loopback port (if it does not yet) and returns its /mcp URL. */
export async function mcpUrl(app: FastifyInstance): Promise<URL> {
  if (app.server.listening === false) await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the gateway does not listen on a TCP port');
  return new URL(`http://127.0.0.1:${address.port}/mcp`);
}

/** A connected client sending `Authorization: Bearer <token>` on every request; closed at teardown. */
export async function connectMcp(t: Test, url: URL, token: string | undefined): Promise<Client> {
  const client = new Client({ name: 'l3-tests', version: '1.0.0' });
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  t.teardown(() => client.close());
  return client;
}

export interface ToolOutcome {
  readonly result: CallToolResult;
  readonly structured: Record<string, any> | undefined;
  /** Every text content block, joined. */
  readonly text: string;
  /** The gateway's error code of a tool error, else undefined. */
  readonly code: string | undefined;
}

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content
    .filter((block) => block.type === 'text')
    .map((block) => (block as { text: string }).text)
    .join('\n');
  const meta = result._meta?.[ERROR_META_KEY] as { code?: string } | undefined;
  return { result, structured: result.structuredContent as Record<string, any> | undefined, text, code: result.isError === true ? meta?.code : undefined };
}

/** Asserts the call answered (no tool error), showing the error's text only when it did not. */
export function answered(t: Test, outcome: ToolOutcome, what = 'answers without an error'): void {
  t.equal(outcome.result.isError ?? false, false, what, outcome.result.isError === true ? { text: outcome.text } : {});
}
