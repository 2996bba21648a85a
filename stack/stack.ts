// The embedded stack: PostgreSQL (pgvector), Kafka (KRaft) and Apicurio Registry on loopback,
// with tools, data and logs under one git-ignored folder. `up` is idempotent and returns only once
// every service answers; `down` stops exactly what `up` started.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { assertJava17, KafkaService } from './kafka.ts';
import { isPortFree } from './ports.ts';
import { postgresAdminUrl, PostgresService } from './postgres.ts';
import { run, waitUntil } from './process-control.ts';
import { RegistryService, registryUrl } from './registry.ts';
import type { Service, ServiceStatus } from './service.ts';

/** Cold JVMs on two busy cores are slow; these deadlines are for readiness, not expectations. */
const READY_TIMEOUT_MS: Record<string, number> = { postgres: 120_000, kafka: 180_000, registry: 240_000 };

export interface StackEndpoints {
  readonly postgresAdminUrl: string;
  readonly kafkaBrokers: string;
  readonly schemaRegistryUrl: string;
}

export class EmbeddedStack {
  readonly config: StackConfig;
  readonly postgres: PostgresService;
  readonly kafka: KafkaService;
  readonly registry: RegistryService;
  readonly #log: (line: string) => void;

  constructor(config: StackConfig, log: (line: string) => void = () => {}) {
    this.config = config;
    this.#log = log;
    this.postgres = new PostgresService(config);
    this.kafka = new KafkaService(config);
    this.registry = new RegistryService(config, (role, password, database) =>
      this.postgres.ensureRoleAndDatabase(role, password, database),
    );
  }

  /** In start order; stopped in reverse. */
  get services(): readonly Service[] {
    return [this.postgres, this.kafka, this.registry];
  }

  endpoints(): StackEndpoints {
    return {
      postgresAdminUrl: postgresAdminUrl(this.config),
      kafkaBrokers: `${this.config.host}:${this.config.ports.kafka}`,
      schemaRegistryUrl: registryUrl(this.config),
    };
  }

  async up(): Promise<StackEndpoints> {
    for (const dir of [this.config.toolsDir, this.config.dataDir, this.config.logsDir, this.config.runDir, this.config.cacheDir]) {
      mkdirSync(dir, { recursive: true });
    }
    assertTools();
    for (const service of this.services) {
      const started = Date.now();
      await service.install();
      const took = Date.now() - started;
      if (took > 1000) this.#log(`${service.name}: installed in ${(took / 1000).toFixed(1)} s`);
    }
    for (const service of this.services) await this.#bringUp(service);
    return this.endpoints();
  }

  async down(): Promise<void> {
    for (const service of [...this.services].reverse()) {
      if (service.runningPid() !== undefined) this.#log(`${service.name}: stopping`);
      await service.stop();
    }
  }

  /** Stops everything and deletes data and logs; keeps downloaded tools so the next up is fast. */
  async reset(): Promise<void> {
    await this.down();
    for (const dir of [this.config.dataDir, this.config.logsDir, this.config.runDir]) rmSync(dir, { recursive: true, force: true });
  }

  async status(): Promise<ServiceStatus[]> {
    const result: ServiceStatus[] = [];
    for (const service of this.services) {
      const pid = service.runningPid();
      result.push({ name: service.name, running: pid !== undefined && (await service.isReady()), pid, ports: service.ports, logFile: service.logFile });
    }
    return result;
  }

  logTail(name: string | undefined, lines: number): string {
    const chosen = name ? this.services.filter((service) => service.name === name) : this.services;
    if (chosen.length === 0) {
      throw new StackError('BAD_CONFIG', `no service named "${name}"; choose one of ${this.services.map((s) => s.name).join(', ')}`);
    }
    return chosen.map((service) => `==> ${service.logFile} <==\n${tail(service.logFile, lines)}`).join('\n');
  }

  async #bringUp(service: Service): Promise<void> {
    if (service.runningPid() !== undefined) {
      if (await service.isReady()) {
        this.#log(`${service.name}: already running`);
        return;
      }
    } else {
      for (const port of service.ports) {
        if (!(await isPortFree(this.config.host, port))) {
          throw new StackError(
            'PORT_TAKEN',
            `${service.name} cannot start: port ${port} on ${this.config.host} is already in use by another process ` +
              `(free it, or choose other ports with L3_PG_PORT, L3_KAFKA_PORT, L3_KAFKA_CONTROLLER_PORT, L3_REGISTRY_PORT)`,
            { logFile: service.logFile },
          );
        }
      }
      this.#log(`${service.name}: starting`);
      try {
        await service.start();
      } catch (error) {
        if (error instanceof StackError) throw error;
        throw new StackError('START_FAILED', `${service.name} failed to start: ${(error as Error).message}`, { logFile: service.logFile, cause: error });
      }
    }
    const started = Date.now();
    try {
      await waitUntil(`${service.name} to become ready`, () => service.isReady(), {
        timeoutMs: READY_TIMEOUT_MS[service.name] ?? 120_000,
        intervalMs: 300,
        failFast: () => (service.runningPid() === undefined ? `${service.name} exited during start-up` : undefined),
      });
    } catch (error) {
      throw new StackError('START_FAILED', `${(error as Error).message}; last lines of its log:\n${tail(service.logFile, 20)}`, {
        logFile: service.logFile,
        cause: error,
      });
    }
    this.#log(`${service.name}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s (ports ${service.ports.join(', ')})`);
  }
}

function assertTools(): void {
  for (const tool of ['java', 'mvn', 'python3', 'unzip', 'tar']) {
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new StackError('MISSING_TOOL', `${tool} is not installed; run bin/l3 (it installs system packages as root) or install it`);
    }
  }
  assertJava17();
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log yet)';
  const all = readFileSync(file, 'utf8').split('\n');
  return all.slice(Math.max(0, all.length - lines - 1)).join('\n');
}
