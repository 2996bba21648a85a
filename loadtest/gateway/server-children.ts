// The two servers of the gateway benchmark as child processes (each its own event loop, as in
// production; the benchmark's load generator and subscribers run in the parent): our gateway
// (gateway/main.ts, GATEWAY_MODE=production) and PostGraphile (postgraphile-server.ts).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerChild {
  readonly name: string;
  readonly url: string;
  readonly logFile: string;
  /** CPU seconds the process has used so far (user + system), from /proc. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface ServerChildOptions {
  readonly name: string;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** Finds the listening port in a line of the child's stdout; without it, `port` is used. */
  readonly portOf?: (line: string) => number | undefined;
  readonly port?: number;
  /** Polled until it answers 200 (with `port`). */
  readonly readyPath?: string;
  readonly nodeOptions?: readonly string[];
}

const START_TIMEOUT_MS = 120_000;

export async function startServerChild(options: ServerChildOptions): Promise<ServerChild> {
  const log = createWriteStream(options.logFile);
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), join(ROOT, options.script)], {
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log, { end: false });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve())).then(() => (exited = true));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not listen within ${START_TIMEOUT_MS / 1000} s; log: ${options.logFile}`)), START_TIMEOUT_MS);
    void exit.then(() => reject(new Error(`${options.name} exited before it listened; log: ${options.logFile}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      const found = options.portOf?.(line);
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    if (options.port !== undefined && options.readyPath !== undefined) {
      const url = `http://127.0.0.1:${options.port}${options.readyPath}`;
      const poll = async (): Promise<void> => {
        while (!exited) {
          const ok = await fetch(url).then((response) => response.ok, () => false);
          if (ok) {
            clearTimeout(timer);
            resolve(options.port!);
            return;
          }
          await new Promise((wait) => setTimeout(wait, 100));
        }
      };
      void poll();
    }
  });
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}/graphql`,
    logFile: options.logFile,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exit;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** utime + stime of /proc/<pid>/stat, in seconds (Linux; 0 elsewhere). */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** A port nobody listens on right now (bound to 0, then released). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
