// Runs a processor (processors/<name>/main.ts) as a child of `l3 up`, with its JSON log in the
// stack's log folder, and waits until its /readyz answers 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../stack/process-control.ts';
import { CliError } from './cli-error.ts';

export interface RunningProcessor {
  readonly name: string;
  readonly logFile: string;
  readonly healthUrl: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startProcessor(options: {
  name: string;
  projectRoot: string;
  /** The entry file, relative to the project root; default processors/<name>/main.ts. */
  entry?: string;
  logsDir: string;
  healthPort: number;
  env: Record<string, string>;
}): Promise<RunningProcessor> {
  const logFile = join(options.logsDir, `${options.name}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(options.projectRoot, options.entry ?? join('processors', options.name, 'main.ts'))], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log, log],
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const healthUrl = `http://127.0.0.1:${options.healthPort}`;
  try {
    await waitUntil(`${options.name} to become ready`, async () => (await fetch(`${healthUrl}/readyz`).catch(() => undefined))?.status === 200, {
      timeoutMs: 120_000,
      intervalMs: 300,
      failFast: () => (exitCode !== undefined ? `${options.name} exited with ${exitCode} during start-up; see ${logFile}` : undefined),
    });
  } catch (error) {
    child.kill('SIGTERM');
    throw new CliError('PROCESSOR', `${(error as Error).message}`, { cause: error });
  }
  return {
    name: options.name,
    logFile,
    healthUrl,
    child,
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
    },
  };
}
