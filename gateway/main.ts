// The gateway process: configuration, the Fastify app, listen, and an orderly stop.
//   node gateway/main.ts      (configuration: gateway/config.ts; README in gateway/README.md)
// On SIGTERM/SIGINT the server stops accepting connections, lets requests in flight finish
// (their transactions end with them) and then closes the Postgres pool (runtime/shutdown.ts).
import type { AddressInfo } from 'node:net';
import { createLogger } from '../runtime/logger.ts';
import { onShutdown } from '../runtime/shutdown.ts';
import { startTelemetry, telemetryEndpoint } from '../runtime/telemetry.ts';
import { buildGateway } from './build-server.ts';
import { ConfigError, loadGatewayConfig, type GatewayConfig } from './config.ts';

// Kubernetes' default grace period is 30 s; stop a little before it sends SIGKILL.
const SHUTDOWN_TIMEOUT_MS = 25_000;
const EX_CONFIG = 78;

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line naming the variable; nothing has started, so returning ends the process.
    process.stderr.write(`gateway: invalid configuration: ${error.message}\n`);
    process.exitCode = EX_CONFIG;
    return;
  }

  const logger = createLogger({ name: 'gateway', level: config.logLevel });
  const shutdown = onShutdown(logger, { timeoutMs: SHUTDOWN_TIMEOUT_MS });
  // Registered first, so it runs last: the spans of the last requests are exported before exit.
  const telemetry = startTelemetry('l3-gateway');
  if (telemetry.enabled) {
    shutdown.register('telemetry', () => telemetry.shutdown());
    logger.info({ endpoint: telemetryEndpoint(process.env) }, 'exporting OpenTelemetry traces');
  }
  try {
    const app = await buildGateway(config, { logger, ...(telemetry.enabled ? { tracer: telemetry.tracer } : {}) });
    // Registered before listen: a signal during start-up still closes what was opened.
    shutdown.register('gateway', () => app.close());
    await app.listen({ host: config.host, port: config.port });
    // The bound port, which differs from GATEWAY_PORT when that is 0.
    const { address, port } = app.server.address() as AddressInfo;
    logger.info({ host: address, port, mode: config.mode, persistedOnly: config.persistedOnly }, 'gateway listening');
  } catch (error) {
    // Includes the start-up check of the database role (gateway/database-role.ts).
    await shutdown.fatal(error);
  }
}

await main();
