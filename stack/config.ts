// The embedded stack's configuration: read from the environment once, validated, frozen.
// Nothing else under stack/ reads process.env.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError } from './errors.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Pinned tool versions, shared with scripts/bootstrap.sh. */
function readVersions(): Record<string, string> {
  const text = readFileSync(join(projectRoot, 'scripts', 'versions.env'), 'utf8');
  const versions: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (match) versions[match[1]!] = match[2]!;
  }
  return versions;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1024 || value > 65535) {
    throw new StackError('BAD_CONFIG', `${name} must be a port number between 1024 and 65535, got "${raw}"`);
  }
  return value;
}

function required(versions: Record<string, string>, key: string): string {
  const value = versions[key];
  if (!value) throw new StackError('BAD_CONFIG', `scripts/versions.env lacks ${key}`);
  return value;
}

export interface StackConfig {
  readonly projectRoot: string;
  /** Everything the stack writes: tools, data, logs, pid files (git-ignored). */
  readonly stackDir: string;
  readonly toolsDir: string;
  readonly dataDir: string;
  readonly logsDir: string;
  readonly runDir: string;
  readonly cacheDir: string;
  readonly host: '127.0.0.1';
  readonly ports: {
    readonly postgres: number;
    readonly kafka: number;
    readonly kafkaController: number;
    readonly registry: number;
  };
  readonly versions: { readonly kafka: string; readonly apicurio: string; readonly pgserver: string };
  /** The unprivileged OS user that runs Postgres when the stack is started as root. */
  readonly postgresOsUser: string;
}

export function loadStackConfig(): StackConfig {
  const versions = readVersions();
  const stackDir = resolve(process.env.L3_STACK_DIR || join(projectRoot, '.stack'));
  // Ports away from the defaults (5432, 9092, 8081) so a developer's own services never collide.
  return Object.freeze({
    projectRoot,
    stackDir,
    // Tools and downloads can be shared between stacks (the lifecycle test runs a second stack).
    toolsDir: resolve(process.env.L3_STACK_TOOLS_DIR || join(stackDir, 'tools')),
    dataDir: join(stackDir, 'data'),
    logsDir: join(stackDir, 'logs'),
    runDir: join(stackDir, 'run'),
    cacheDir: resolve(process.env.L3_STACK_CACHE_DIR || join(stackDir, 'cache')),
    host: '127.0.0.1' as const,
    ports: Object.freeze({
      postgres: port('L3_PG_PORT', 55432),
      kafka: port('L3_KAFKA_PORT', 59092),
      kafkaController: port('L3_KAFKA_CONTROLLER_PORT', 59093),
      registry: port('L3_REGISTRY_PORT', 58081),
    }),
    versions: Object.freeze({
      kafka: required(versions, 'KAFKA_VERSION'),
      apicurio: required(versions, 'APICURIO_VERSION'),
      pgserver: required(versions, 'PGSERVER_VERSION'),
    }),
    postgresOsUser: process.env.L3_STACK_OS_USER || 'l3stack',
  });
}
