// Starting, finding and stopping the stack's long-running processes.
// A service started by `up` is recorded in a pid file together with a marker that must appear in
// its command line, so `down` stops exactly what `up` started and never a process that merely
// reused the pid.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { StackError } from './errors.ts';

export interface PidRecord {
  readonly pid: number;
  /** A string that must occur in /proc/<pid>/cmdline for the pid to still be ours. */
  readonly marker: string;
}

export function readPidRecord(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
    return Number.isInteger(parsed.pid) && typeof parsed.marker === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writePidRecord(pidFile: string, record: PidRecord): void {
  writeFileSync(pidFile, JSON.stringify(record));
}

export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** True when the recorded process is alive and is still the one we started. */
export function isOurs(record: PidRecord | undefined): record is PidRecord {
  if (!record) return false;
  const cmdline = commandLineOf(record.pid);
  return cmdline !== undefined && cmdline.includes(record.marker);
}

export interface DetachedOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts a process in its own session, detached from ours, with stdout and stderr appended to a log. */
export function startDetached(options: DetachedOptions): number {
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) {
      throw new StackError('START_FAILED', `could not start ${options.command}`, { logFile: options.logFile });
    }
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** Waits until a condition holds, polling; the deadline is generous because two JVMs share 2 cores. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; intervalMs?: number; failFast?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  for (;;) {
    if (await condition()) return;
    const fatal = options.failFast?.();
    if (fatal) throw new Error(fatal);
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, interval));
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
export async function stopProcess(record: PidRecord, graceMs: number): Promise<void> {
  if (!isOurs(record)) return;
  // Signal the whole process group first: the JVM launchers may have children.
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-record.pid, sig);
    } catch {
      try {
        process.kill(record.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  try {
    await waitUntil(`pid ${record.pid} to exit`, () => !processExists(record.pid) || !isOurs(record), {
      timeoutMs: graceMs,
    });
  } catch {
    signal('SIGKILL');
    await waitUntil(`pid ${record.pid} to exit after SIGKILL`, () => !processExists(record.pid), { timeoutMs: 10_000 });
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a short command to completion (installers, initdb, pg_ctl). */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): RunResult {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new StackError('MISSING_TOOL', `${command} is not installed or not on PATH`, { cause: result.error });
    }
    throw result.error;
  }
  return { status: result.status ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** Runs a command and throws a StackError naming it when it fails. */
export function runOrThrow(
  what: string,
  command: string,
  args: readonly string[],
  options: SpawnSyncOptions & { logFile?: string } = {},
): RunResult {
  const result = run(command, args, options);
  if (result.status !== 0) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
    throw new StackError('INSTALL_FAILED', `${what} failed (exit ${result.status}):\n${detail}`, {
      ...(options.logFile ? { logFile: options.logFile } : {}),
    });
  }
  return result;
}
