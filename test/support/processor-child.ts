// A processor (processors/<name>/main.ts) as a child process of a test: its output goes to a log
// file, its health server is found from its own log line, and it can be killed with any signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaBrokers, schemaRegistryUrl } from './services.ts';
import { waitFor } from './wait-for.ts';

const ROOT = join(import.meta.dirname, '../..');

export class ProcessorChild {
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<number | null>;

  /** Starts `entry` (relative to the project root) with the stack's endpoints and `env`. */
  protected constructor(entry: string, logFile: string, env: Record<string, string>) {
    const out = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [join(ROOT, entry)], {
      env: { PATH: process.env.PATH, KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: schemaRegistryUrl(), LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(out);
    this.child.stderr!.pipe(out);
    this.logFile = logFile;
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** The health server's URL, from the process's own log line. */
  async healthUrl(timeoutMs = 60_000): Promise<string> {
    let url: string | undefined;
    await waitFor(`the health server of ${this.logFile}`, () => {
      const match = /"port":(\d+),"msg":"health server listening"/.exec(this.log());
      if (match) url = `http://127.0.0.1:${match[1]}`;
      return url !== undefined;
    }, timeoutMs);
    return url!;
  }

  /** Until /readyz answers 200: the instance joined the group and reaches Postgres. */
  async ready(timeoutMs = 120_000): Promise<void> {
    const health = await this.healthUrl(timeoutMs);
    await waitFor(`${this.logFile} to be ready`, async () => (await fetch(`${health}/readyz`).catch(() => undefined))?.status === 200, timeoutMs);
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return ''; // not written yet
    }
  }
}
