// What one MCP tool is: its name, descriptions, zod schemas for input and output (advertised as
// JSON Schema by tools/list, the input also parsed by tools/call), hints, and a handler that
// runs inside the caller's request scope (token, tenant transaction, limits). Handlers return
// structured content; the server adds the text rendering and turns thrown errors into coded
// tool errors (tool-result.ts).
import type { z } from 'zod';
import type { CommandDeps } from '../commands/index.ts';
import type { RequestScope } from '../request-scope.ts';

export interface ToolContext {
  readonly scope: RequestScope;
  /** How proposals are produced; undefined when the gateway has no Kafka configured. */
  readonly commands: CommandDeps | undefined;
  /** The HTTP request's W3C traceparent header, continued by commands. */
  readonly traceparent: string | undefined;
}

export interface ToolAnswer<Output> {
  readonly structured: Output;
  /** One line for a reader (a person or a model) before the JSON of `structured`. */
  readonly summary: string;
}

export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: Input;
  readonly output: Output;
  /** MCP tool annotations: hints for clients, never trusted for security (MCP spec, Tool annotations). */
  readonly readOnly: boolean;
  readonly idempotent: boolean;
  run(input: z.output<Input>, context: ToolContext): Promise<ToolAnswer<z.input<Output>>>;
}

/** Keeps the input and output types of one tool tied to its schemas. */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(tool: ToolDefinition<Input, Output>): ToolDefinition<Input, Output> {
  return tool;
}
