// Apicurio Registry (Maven Central distribution), used through its Confluent-compatible API at
// /apis/ccompat/v7. Its storage is the stack's Postgres, so schemas and their ids survive restarts:
// records in Kafka carry schema ids, and a registry that forgot them would make them undecodable.
// Version 3.0.x is the newest line whose classes run on Java 17 (3.1+ needs Java 21).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { isOurs, readPidRecord, removeFile, runOrThrow, startDetached, stopProcess, writePidRecord } from './process-control.ts';
import type { Service } from './service.ts';

/** Dev-only credentials of the registry's own database in the stack's Postgres. */
export const REGISTRY_DATABASE = 'apicurio_registry';
const REGISTRY_DB_USER = 'apicurio_registry';
const REGISTRY_DB_PASSWORD = 'apicurio-registry-dev';

export function registryUrl(config: StackConfig): string {
  return `http://${config.host}:${config.ports.registry}/apis/ccompat/v7`;
}

export class RegistryService implements Service {
  readonly name = 'registry';
  readonly ports: readonly number[];
  readonly logFile: string;
  readonly #config: StackConfig;
  readonly #installDir: string;
  readonly #pidFile: string;
  readonly #marker: string;
  readonly #prepareDatabase: (role: string, password: string, database: string) => Promise<void>;

  /** prepareDatabase creates the registry's role and database in the stack's Postgres. */
  constructor(config: StackConfig, prepareDatabase: (role: string, password: string, database: string) => Promise<void>) {
    this.#config = config;
    this.ports = [config.ports.registry];
    this.logFile = join(config.logsDir, 'registry.log');
    this.#installDir = join(config.toolsDir, `apicurio-registry-${config.versions.apicurio}`);
    this.#pidFile = join(config.runDir, 'registry.pid');
    this.#marker = `-Dl3.stack.service=${join(config.stackDir, 'registry')}`;
    this.#prepareDatabase = prepareDatabase;
  }

  async install(): Promise<void> {
    if (this.#launcher()) return;
    const version = this.#config.versions.apicurio;
    const cache = join(this.#config.cacheDir, 'maven');
    mkdirSync(cache, { recursive: true });
    const archive = join(cache, `apicurio-registry-app-${version}-all.tar.gz`);
    if (!existsSync(archive)) {
      // The parent POM of this artifact is not on Maven Central, so fetch the file without resolving it.
      runOrThrow(`mvn: fetching io.apicurio:apicurio-registry-app:${version} (all)`, 'mvn', [
        '-q', '-B', 'dependency:copy', `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
        `-DoutputDirectory=${cache}`, '-Dtransitive=false', '-Dmdep.useBaseVersion=true',
      ], { cwd: cache });
    }
    mkdirSync(this.#installDir, { recursive: true });
    runOrThrow('unpacking Apicurio Registry', 'tar', ['-xzf', archive, '-C', this.#installDir]);
    if (!this.#launcher()) throw new StackError('INSTALL_FAILED', `no runnable jar found in ${this.#installDir}`);
  }

  runningPid(): number | undefined {
    const record = readPidRecord(this.#pidFile);
    return isOurs(record) ? record.pid : undefined;
  }

  async isReady(): Promise<boolean> {
    if (this.runningPid() === undefined) return false;
    try {
      const response = await fetch(`${registryUrl(this.#config)}/subjects`, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  async start(): Promise<void> {
    const launcher = this.#launcher();
    if (!launcher) throw new StackError('START_FAILED', 'Apicurio Registry is not installed');
    await this.#prepareDatabase(REGISTRY_DB_USER, REGISTRY_DB_PASSWORD, REGISTRY_DATABASE);
    const { host, ports } = this.#config;
    const pid = startDetached({
      command: 'java',
      args: [
        this.#marker, '-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-Djava.awt.headless=true',
        `-Dquarkus.http.host=${host}`,
        `-Dquarkus.http.port=${ports.registry}`,
        '-Dapicurio.storage.kind=sql',
        '-Dapicurio.storage.sql.kind=postgresql',
        `-Dapicurio.datasource.url=jdbc:postgresql://${host}:${ports.postgres}/${REGISTRY_DATABASE}`,
        `-Dapicurio.datasource.username=${REGISTRY_DB_USER}`,
        `-Dapicurio.datasource.password=${REGISTRY_DB_PASSWORD}`,
        '-Dapicurio.datasource.jdbc.initial-size=2',
        '-Dapicurio.datasource.jdbc.min-size=2',
        '-Dapicurio.datasource.jdbc.max-size=10',
        '-jar', launcher,
      ],
      logFile: this.logFile,
      cwd: this.#installDir,
    });
    writePidRecord(this.#pidFile, { pid, marker: this.#marker });
  }

  async stop(): Promise<void> {
    const record = readPidRecord(this.#pidFile);
    if (record) await stopProcess(record, 30_000);
    removeFile(this.#pidFile);
  }

  /** 3.0.x ships `<name>-runner.jar`; later lines ship Quarkus' fast-jar `quarkus-run.jar`. */
  #launcher(): string | undefined {
    if (!existsSync(this.#installDir)) return undefined;
    const jar = readdirSync(this.#installDir).find((file) => file.endsWith('-runner.jar') || file === 'quarkus-run.jar');
    return jar ? join(this.#installDir, jar) : undefined;
  }
}
