// /livez, /readyz and /metrics on the gateway's own port. runtime/health-server.ts builds a
// separate Fastify app for processors; the gateway already is one, so it mounts the same three
// routes, with the same semantics and the runtime's readiness checks and response type:
// /livez answers from the event loop alone (a liveness probe that checked Postgres would make
// Kubernetes restart every gateway whenever the database blinks), /readyz checks Postgres.
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { runReadinessChecks, type ReadinessResponse } from '../runtime/health-server.ts';
import type { Logger } from '../runtime/logger.ts';

export interface HealthRoutesOptions {
  readonly pool: Pool;
  readonly registry: Registry;
  readonly logger: Logger;
}

export function registerHealthRoutes(app: FastifyInstance, options: HealthRoutesOptions): void {
  const { pool, registry, logger } = options;
  // Probes arrive every few seconds: their request lines would drown the gateway's logs.
  const quiet = { logLevel: 'warn' as const };

  app.get('/livez', quiet, async () => ({ status: 'ok' }));

  let lastFailing: string | undefined;
  app.get('/readyz', quiet, async (_request, reply) => {
    const report = await runReadinessChecks({ postgres: () => pool.query('SELECT 1') }, { timeoutMs: 1_000 });
    const failing = report.checks.filter((check) => !check.ok);
    // One line when the gateway goes unready and one when it recovers, not one per probe.
    const signature = failing.map((check) => check.name).join(',');
    if (signature !== lastFailing) {
      lastFailing = signature;
      if (failing.length === 0) logger.info({ checks: report.checks.map((check) => check.name) }, 'ready');
      else logger.warn({ failing }, 'not ready');
    }
    const body: ReadinessResponse = { status: failing.length === 0 ? 'ok' : 'unavailable', checks: report.checks };
    return reply.code(failing.length === 0 ? 200 : 503).send(body);
  });

  app.get('/metrics', quiet, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
