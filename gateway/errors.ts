// The gateway's error codes: the one table, as fastify keeps FST_ERR_*. Every error a client can
// see carries one of these codes in `extensions.code` (GraphQL spec §7.1.2: extensions are where
// implementations put additional error information). test/gateway/errors.test.ts keeps the codes
// unique and documented in gateway/README.md.

export const GATEWAY_ERRORS = {
  UNAUTHENTICATED: {
    status: 401,
    retryable: false,
    message: 'a valid bearer token is required',
    doc: 'No token, or a token that is malformed, expired, wrongly signed or missing a required claim.',
  },
  FORBIDDEN: {
    status: 403,
    retryable: false,
    message: 'the token does not grant this',
    doc: "The caller's roles do not allow the field, filter or operation (including introspection in production).",
  },
  BAD_USER_INPUT: {
    status: 400,
    retryable: false,
    message: 'invalid request',
    doc: 'A syntax or validation error, a bad argument (unknown property, wrong value type, malformed cursor or id, page too large).',
  },
  NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'not found',
    doc: "A name or reference that does not exist in the caller's tenant (object type, link type, reference object).",
  },
  QUERY_TOO_DEEP: {
    status: 400,
    retryable: false,
    message: 'the query is nested too deeply',
    doc: 'Field nesting above GATEWAY_MAX_DEPTH; refused before execution.',
  },
  QUERY_TOO_COSTLY: {
    status: 400,
    retryable: false,
    message: 'the query is too costly',
    doc: 'Static cost above GATEWAY_MAX_COST; refused before execution.',
  },
  TOO_MANY_ALIASES: {
    status: 400,
    retryable: false,
    message: 'the query uses too many aliases',
    doc: 'More aliased fields than GATEWAY_MAX_ALIASES; refused before execution.',
  },
  BATCH_TOO_LARGE: {
    status: 400,
    retryable: false,
    message: 'the batch has too many operations',
    doc: 'A batched request with more operations than GATEWAY_MAX_BATCH (or none); refused before execution.',
  },
  PERSISTED_QUERY_REQUIRED: {
    status: 400,
    retryable: false,
    message: 'only persisted queries are accepted',
    doc: 'GATEWAY_PERSISTED_ONLY=true and the request carried a query document instead of a persisted query hash.',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    status: 400,
    retryable: false,
    message: 'unknown persisted query',
    doc: 'The hash names no query of gateway/persisted-queries.json.',
  },
  QUERY_TIMEOUT: {
    status: 504,
    retryable: false,
    message: 'the query took too long',
    doc: 'A database statement ran past GATEWAY_STATEMENT_TIMEOUT_MS and was cancelled.',
  },
  TIMEOUT: {
    status: 504,
    retryable: true,
    message: 'the command was sent but the processor has not applied it yet',
    doc: 'A mutation with wait: true whose command the processor did not apply within GATEWAY_WAIT_TIMEOUT_MS; the command stays on its topic and will be applied.',
  },
  INTERNAL: {
    status: 500,
    retryable: true,
    message: 'internal error',
    doc: 'Anything else; in production the message carries no detail (the log does).',
  },
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export const GATEWAY_ERROR_CODES = Object.freeze(Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[]);

export function isGatewayErrorCode(value: unknown): value is GatewayErrorCode {
  return typeof value === 'string' && Object.hasOwn(GATEWAY_ERRORS, value);
}

export interface GatewayErrorOptions {
  readonly cause?: unknown;
}

/**
 * An error meant for the client: its message is safe to show, and graphql-js copies
 * `extensions` onto the GraphQLError it wraps this in, so `extensions.code` reaches the response.
 */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly extensions: { readonly code: GatewayErrorCode };
  readonly statusCode: number;
  readonly retryable: boolean;

  constructor(code: GatewayErrorCode, message: string = GATEWAY_ERRORS[code].message, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.extensions = Object.freeze({ code });
    this.statusCode = GATEWAY_ERRORS[code].status;
    this.retryable = GATEWAY_ERRORS[code].retryable;
  }
}

export const badInput = (message: string): GatewayError => new GatewayError('BAD_USER_INPUT', message);
export const notFound = (message: string): GatewayError => new GatewayError('NOT_FOUND', message);
export const forbidden = (message: string): GatewayError => new GatewayError('FORBIDDEN', message);
