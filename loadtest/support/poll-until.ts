// The end of a measured run is found by polling: known to within POLL_MS (about 0.5% of a 5 s run).
import type { ProcessorChild } from './processor-child.ts';

export const POLL_MS = 20;
export const RUN_TIMEOUT_MS = 15 * 60_000;

export interface PollOptions {
  /** The error when the child exits first (the child's log is appended). */
  readonly exitedMessage: string;
  /** The error after RUN_TIMEOUT_MS, followed by "after N min" and the child's log. */
  readonly timeoutMessage: string;
  /** Stops the polling (Ctrl-C, SIGTERM). */
  readonly signal?: AbortSignal;
}

/** Polls every POLL_MS until `done`; returns when the successful poll began (epoch ms). */
export async function pollUntil(children: readonly ProcessorChild[], done: () => Promise<boolean>, options: PollOptions): Promise<number> {
  const logs = children.map((child) => child.logFile).join(', ');
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    options.signal?.throwIfAborted();
    const exited = children.find((child) => child.exited);
    if (exited) throw new Error(`${options.exitedMessage}; log: ${exited.logFile}`);
    const polledAt = Date.now();
    if (await done()) return polledAt;
    if (Date.now() > deadline) throw new Error(`${options.timeoutMessage} after ${RUN_TIMEOUT_MS / 60_000} min; log: ${logs}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
