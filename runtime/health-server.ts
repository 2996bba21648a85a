// The small HTTP server every processor runs beside its Kafka loop: /livez, /readyz, /metrics.
// Its own Fastify instance, not the gateway's. buildHealthServer() returns the app without
// listening so tests use inject(); startHealthServer() listens (Fastify's testing guide).
//
// /livez answers from the event loop alone: a liveness probe that checked Postgres would make
// Kubernetes restart every processor whenever the database blinks, which fixes nothing.
// Dependencies belong to /readyz, which takes the instance out of rotation instead.
import type { AddressInfo } from 'node:net';
import { fastify } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export type ReadinessCheck = { name: string; ok: boolean; detail?: string };
export type ReadinessReport = { checks: ReadinessCheck[] };
export type Readiness = () => Promise<ReadinessReport> | ReadinessReport;

/** The /readyz body: the report plus an overall status. */
export type ReadinessResponse = { status: 'ok' | 'unavailable'; checks: ReadinessCheck[] };

export type HealthServerOptions = {
  registry: Registry;
  readiness: Readiness;
  logger: Logger;
};

export type StartHealthServerOptions = HealthServerOptions & {
  /** Loopback unless the deployment says otherwise (a pod sets 0.0.0.0 for the kubelet). */
  host?: string;
  /** 0 picks a free port; the bound one is returned. */
  port: number;
};

export type HealthServer = {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** Stops listening; resolves once open connections are done. Safe to call twice. */
  close(): Promise<void>;
};

export function buildHealthServer(options: HealthServerOptions): FastifyInstance {
  const { registry, readiness, logger } = options;
  // Probes arrive every few seconds; Fastify's per-request info lines would drown the processor's
  // own logs, so its logger starts at warn (errors still show).
  const fastifyLogger: FastifyBaseLogger = logger.child({ component: 'health-server' }, { level: atLeastWarn(logger) });
  const app = fastify({ loggerInstance: fastifyLogger });

  app.get('/livez', async () => ({ status: 'ok' }));

  let lastFailing: string | undefined;
  app.get('/readyz', async (_request, reply) => {
    const report = await evaluate(readiness);
    const failing = report.checks.filter((check) => !check.ok);
    // Log changes of state, not every probe: one line when the instance goes unready (naming
    // the checks) and one when it recovers.
    const signature = failing.map((check) => check.name).join(',');
    if (signature !== lastFailing) {
      lastFailing = signature;
      if (failing.length === 0) logger.info({ checks: report.checks.map((check) => check.name) }, 'ready');
      else logger.warn({ failing }, 'not ready');
    }
    const body: ReadinessResponse = { status: failing.length === 0 ? 'ok' : 'unavailable', checks: report.checks };
    return reply.code(failing.length === 0 ? 200 : 503).send(body);
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });

  return app;
}

export async function startHealthServer(options: StartHealthServerOptions): Promise<HealthServer> {
  const app = buildHealthServer(options);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  options.logger.info({ host: address.address, port: address.port }, 'health server listening');
  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close() {
      closing ??= app.close();
      return closing;
    },
  };
}

export type ReadinessProbe = () => unknown;

/**
 * Runs named probes in parallel and reports each: a probe that resolves is ok, one that throws
 * (or rejects) is failed with its message, one that has not answered within `timeoutMs` is failed
 * as timed out. Keep `timeoutMs` below the orchestrator's probe timeout, so the report arrives
 * and says which dependency is slow instead of the probe failing blind.
 */
export async function runReadinessChecks(
  probes: Record<string, ReadinessProbe>,
  options: { timeoutMs?: number } = {},
): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const checks = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<ReadinessCheck> => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([Promise.resolve().then(probe), timedOut]);
        return { name, ok: true };
      } catch (error) {
        return { name, ok: false, detail: messageOf(error) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { checks };
}

async function evaluate(readiness: Readiness): Promise<ReadinessReport> {
  try {
    return await readiness();
  } catch (error) {
    // A readiness function that throws cannot vouch for anything: report it as one failed check.
    return { checks: [{ name: 'readiness', ok: false, detail: messageOf(error) }] };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function atLeastWarn(logger: Logger): string {
  return logger.levelVal > logger.levels.values.warn! ? logger.level : 'warn';
}
