// Refuses batched requests (a JSON array of operations) with more than GATEWAY_MAX_BATCH
// operations, or none, before any of them is parsed: a Fastify preHandler on the GraphQL route.
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.ts';

export function batchLimitHook(maxBatch: number): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (!Array.isArray(request.body)) return;
    const size = request.body.length;
    if (size === 0 || size > maxBatch) {
      throw new GatewayError('BATCH_TOO_LARGE', `a batch holds 1 to ${maxBatch} operations, got ${size}`);
    }
  };
}
