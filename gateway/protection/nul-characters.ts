// Postgres text and jsonb cannot hold U+0000: a string carrying one, anywhere in a request,
// would fail its statement with an encoding error deep inside execution. Refused up front as
// BAD_USER_INPUT instead: in the request's JSON (variables, GET parameters) by a preHandler,
// and in string literals of the document (where "\u0000" is an escape the parser resolves) by a
// validation rule.
import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { ValidationRule } from 'graphql';
import { GatewayError } from '../errors.ts';

const MESSAGE = 'strings may not contain U+0000';

export async function nulCharacterHook(request: FastifyRequest): Promise<void> {
  if (containsNul(request.body) || containsNul(request.query)) throw new GatewayError('BAD_USER_INPUT', MESSAGE);
}

export const noNulStringsRule: ValidationRule = (context) => ({
  StringValue(node) {
    if (node.value.includes('\u0000')) context.reportError(new GraphQLError(MESSAGE, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
  },
});

function containsNul(value: unknown, depth = 0): boolean {
  // Bodies are at most 256 KiB, so the walk is small; the depth bound only guards the stack.
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000') || containsNul(item, depth + 1)) return true;
  }
  return false;
}
