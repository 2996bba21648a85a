// Where a benchmark's CPU goes on a shared machine: how busy the whole machine was, and how much
// of it local Postgres took, from /proc (Linux). A pipeline that leaves the machine idle is
// waiting on itself; one that saturates it can only go faster by spending less per event.
import { readdirSync, readFileSync } from 'node:fs';

/** /proc/stat and /proc/<pid>/stat count in USER_HZ, which Linux fixes at 100 for user space. */
const TICKS_PER_SECOND = 100;

export interface HostCpuSample {
  readonly atMs: number;
  /** All CPUs together, in ticks: busy (not idle or iowait) and in total. */
  readonly busyTicks: number;
  readonly totalTicks: number;
  /** User and system time of the processes named `postgres` (the server and its backends). */
  readonly postgresTicks: number;
}

/** Undefined where /proc is not readable (not Linux). */
export function sampleHostCpu(): HostCpuSample | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const totalTicks = fields.reduce((sum, value) => sum + value, 0);
    const idleTicks = fields[3]! + fields[4]!;
    return { atMs: performance.now(), busyTicks: totalTicks - idleTicks, totalTicks, postgresTicks: postgresTicks() };
  } catch {
    return undefined;
  }
}

function postgresTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ..." where comm may hold spaces: split after the last ")".
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (comm !== 'postgres') continue;
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(rest[11]) + Number(rest[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return ticks;
}

/**
 * "machine 82% busy; Postgres 0.75 s/s (47 µs/event)" between two samples, at `eventsPerSecond`.
 * Postgres counts every local process named postgres; with a remote server it reads 0.
 */
export function describeHostCpu(start: HostCpuSample | undefined, end: HostCpuSample | undefined, eventsPerSecond: number): string {
  if (!start || !end || end.totalTicks <= start.totalTicks) return 'machine CPU n/a';
  const busy = (end.busyTicks - start.busyTicks) / (end.totalTicks - start.totalTicks);
  const seconds = (end.atMs - start.atMs) / 1000;
  const postgres = (end.postgresTicks - start.postgresTicks) / TICKS_PER_SECOND / seconds;
  return `machine ${(busy * 100).toFixed(0)}% busy; Postgres CPU ${postgres.toFixed(2)} s/s (${perEvent(postgres, eventsPerSecond)})`;
}

/** CPU seconds per second as microseconds per event. */
export function perEvent(cpuSecondsPerSecond: number, eventsPerSecond: number): string {
  return `${((cpuSecondsPerSecond * 1e6) / eventsPerSecond).toFixed(0)} µs/event`;
}
