// A processor (processors/<name>/main.ts) run by a benchmark as a child process: its log, its
// health server's /metrics, and its stop.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchmarkEndpoints } from './benchmark-endpoints.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ProcessorChild {
  readonly logFile: string;
  readonly exited: boolean;
  /** The health server (for /metrics), once the child has logged it. */
  healthUrl(): Promise<string>;
  stop(): Promise<void>;
}

export interface ProcessorChildOptions {
  readonly processor: 'materializer' | 'governance';
  readonly endpoints: BenchmarkEndpoints;
  /** Where the child's stdout and stderr go. */
  readonly logFile: string;
  /** The processor's own variables, beside the stack's (KAFKA_BROKERS, SCHEMA_REGISTRY_URL) and LOG_LEVEL=info. */
  readonly env: Readonly<Record<string, string>>;
  /** Options of node itself (e.g. --cpu-prof). */
  readonly nodeOptions?: readonly string[];
  /** The script, relative to the repository, when not processors/<processor>/main.ts. */
  readonly entry?: string;
}

export function startProcessorChild(options: ProcessorChildOptions): ProcessorChild {
  const { logFile, endpoints } = options;
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), join(ROOT, options.entry ?? join('processors', options.processor, 'main.ts'))], {
    env: { PATH: process.env.PATH, KAFKA_BROKERS: endpoints.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl, LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log, { end: false });
  let resolveHealth: (url: string) => void = () => {};
  const health = new Promise<string>((resolve) => (resolveHealth = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    log.write(`${line}\n`);
    const match = /"port":(\d+),"msg":"health server listening"/.exec(line);
    if (match) resolveHealth(`http://127.0.0.1:${match[1]}`);
  });
  let hasExited = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve())).then(() => (hasExited = true));
  return {
    logFile,
    get exited() {
      return hasExited;
    },
    healthUrl: () => health,
    stop: async () => {
      if (!hasExited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

export interface ScrapedMetrics {
  readonly batches: number;
  readonly records: number;
  readonly batchSeconds: number;
  readonly cpuSeconds: number;
  /** Records the child's relay (or the floor's direct publisher) had published, all topics. */
  readonly published: number;
}

/**
 * The child's own Prometheus figures (runtime/metrics.ts): batches, records and batch time of
 * `topic` only when it is given, else summed over all its topics; CPU seconds of the process.
 */
export async function scrapeMetrics(child: ProcessorChild, topic?: string): Promise<ScrapedMetrics> {
  const text = await (await fetch(`${await child.healthUrl()}/metrics`)).text();
  const sum = (name: string, onlyTopic: boolean): number => {
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (onlyTopic && topic !== undefined && !line.includes(`topic="${topic}"`)) continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  };
  return {
    batches: sum('l3_batches_total', true),
    records: sum('l3_records_consumed_total', true),
    batchSeconds: sum('l3_batch_duration_seconds_sum', true),
    cpuSeconds: sum('l3_process_cpu_seconds_total', false),
    published: sum('l3_outbox_published_total', false),
  };
}
