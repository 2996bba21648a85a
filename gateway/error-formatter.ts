// Every error leaves the gateway in one shape: `{message, locations?, path?, extensions: {code}}`
// with a code of errors.ts. This is Mercurius' errorFormatter, so it sees errors from every
// stage: the preHandler (authentication, batch size), persisted query lookup, parsing and
// validation (syntax, depth, aliases, introspection), preExecution (cost), and resolvers.
// In production an unexpected error says "internal error" and nothing else; the log has the
// cause (logged here once, at the top, as the style guide asks).
import { GraphQLError } from 'graphql';
import type { ExecutionResult } from 'graphql';
import type { Logger } from '../runtime/logger.ts';
import { GATEWAY_ERRORS, isGatewayErrorCode, type GatewayErrorCode } from './errors.ts';
import type { GatewayMetrics } from './metrics.ts';

export interface FormattedError {
  readonly message: string;
  readonly locations?: readonly { line: number; column: number }[];
  readonly path?: readonly (string | number)[];
  readonly extensions: { readonly code: GatewayErrorCode };
}

export interface ErrorFormatterOptions {
  readonly production: boolean;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

type FormatterContext = { reply?: { log?: Logger; header(name: string, value: string): unknown } };

const PERSISTED_CODES: Record<string, GatewayErrorCode> = {
  MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  MER_ERR_GQL_PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_REQUIRED',
  MER_ERR_GQL_PERSISTED_QUERY_MISMATCH: 'PERSISTED_QUERY_NOT_FOUND',
};

export function createErrorFormatter(options: ErrorFormatterOptions) {
  return (execution: ExecutionResult & { errors: readonly GraphQLError[] }, context: FormatterContext) => {
    const log = context.reply?.log ?? options.logger;
    const errors = execution.errors.flatMap(expand).map((error) => format(error, options.production, log));
    // Execution ran when the result has a data key (possibly null); otherwise the request was
    // refused before execution and the HTTP status says why (GraphQL over HTTP allows 4xx then).
    const executed = 'data' in execution;
    const first = errors[0]?.extensions.code ?? 'INTERNAL';
    if (!executed) options.metrics.operations.inc({ outcome: first });
    if (first === 'UNAUTHENTICATED') context.reply?.header('www-authenticate', 'Bearer'); // RFC 6750 §3
    return {
      statusCode: executed ? 200 : GATEWAY_ERRORS[first].status,
      response: { data: execution.data ?? null, errors },
    };
  };
}

interface Expanded {
  readonly error: GraphQLError;
  /** Errors from parsing and validation carry no original error and are the client's. */
  readonly fromValidation: boolean;
}

// Mercurius wraps parse, validation and variable errors in one MER_ERR_GQL_VALIDATION whose
// `errors` lists them; each becomes its own entry.
function expand(error: GraphQLError): Expanded[] {
  const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(inner) && inner.length > 0) {
    return inner.map((item: unknown) => ({ error: asGraphQLError(item), fromValidation: true }));
  }
  return [{ error, fromValidation: false }];
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GraphQLError(message, { originalError: error instanceof Error ? error : undefined });
}

function format({ error, fromValidation }: Expanded, production: boolean, log: Logger): FormattedError {
  const code = codeOf(error, fromValidation);
  const gatewayMessage = isGatewayErrorCode((error.originalError as { code?: unknown } | undefined)?.code) || isGatewayErrorCode(error.extensions?.code);
  if (code === 'INTERNAL') log.error({ err: error.originalError ?? error, path: error.path }, 'internal error in a GraphQL request');
  else if (code === 'QUERY_TIMEOUT') log.warn({ err: error.originalError ?? error, path: error.path }, 'statement timeout in a GraphQL request');
  else log.debug({ code, message: error.message, path: error.path }, 'GraphQL request error');
  // Messages of coded errors are written for clients; anything else unexpected is hidden in production.
  const message = code === 'INTERNAL' && production && !gatewayMessage ? GATEWAY_ERRORS.INTERNAL.message : error.message;
  return {
    message,
    ...(error.locations === undefined ? {} : { locations: error.locations }),
    ...(error.path === undefined ? {} : { path: error.path }),
    extensions: { code },
  };
}

function codeOf(error: GraphQLError, fromValidation: boolean): GatewayErrorCode {
  if (isGatewayErrorCode(error.extensions?.code)) return error.extensions.code;
  const original = error.originalError as (Error & { code?: unknown; statusCode?: unknown }) | undefined;
  if (original === undefined) {
    // graphql-js gives every resolver error an originalError; errors without one come from
    // parsing, validation or variable coercion, i.e. from the request.
    return 'BAD_USER_INPUT';
  }
  if (isGatewayErrorCode(original.code)) return original.code;
  if (typeof original.code === 'string' && PERSISTED_CODES[original.code] !== undefined) return PERSISTED_CODES[original.code]!;
  if (original instanceof GraphQLError) return fromValidation || original.originalError === undefined ? codeOf(original, fromValidation) : 'INTERNAL';
  // Fastify and Mercurius request errors (bad JSON, wrong content type, body schema, GET mutation).
  if (typeof original.statusCode === 'number' && original.statusCode >= 400 && original.statusCode < 500) return 'BAD_USER_INPUT';
  return 'INTERNAL';
}
