// Orderly stop of a processor: on SIGTERM (Kubernetes) or SIGINT (a terminal), or on a fatal
// error, run the registered stop hooks and exit. Hooks run in reverse registration order, so the
// part started last (the consumer loop) stops before the parts it depends on (the Postgres pool,
// the health server). The process exits here and nowhere else.
import type { Logger } from 'pino';

export type ShutdownHook = () => Promise<void> | void;

export type SignalSource = {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
};

export type ShutdownOptions = {
  /** Time the hooks get, all together, before the process exits with 1 anyway. */
  timeoutMs: number;
  /** Replaced in tests; the real process must never exit from a test. */
  exit?: (code: number) => void;
  /** Where signals come from (tests pass an EventEmitter). */
  signalSource?: SignalSource;
  signals?: readonly NodeJS.Signals[];
};

export type Shutdown = {
  /** Adds a stop hook; hooks run last-registered first, each awaited. */
  register(name: string, hook: ShutdownHook): void;
  /** Starts the shutdown (idempotent); resolves when the hooks are done and exit was called. */
  shutdown(reason: string): Promise<void>;
  /** Logs the error once at fatal level, runs the hooks, exits with 1. */
  fatal(error: unknown): Promise<void>;
  /** The exit code used after the hooks (0 unless set, or a hook or fatal() failed). */
  exitCode: number;
  /** Aborted when the shutdown starts: hand it to retry loops so they stop waiting. */
  readonly signal: AbortSignal;
  readonly stopping: boolean;
  /** Removes the signal handlers without exiting (tests, or a host that owns the process). */
  dispose(): void;
};

// process.exit exists in this file only, behind this default.
const exitProcess = (code: number): void => {
  process.exit(code);
};

export function onShutdown(logger: Logger, options: ShutdownOptions): Shutdown {
  const exit = options.exit ?? exitProcess;
  const source = options.signalSource ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const hooks: { name: string; hook: ShutdownHook }[] = [];
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  let currentHook: string | undefined;
  let exited = false;
  let deadline: NodeJS.Timeout | undefined;

  const dispose = (): void => {
    for (const signal of signals) source.off(signal, onSignal);
  };

  const exitOnce = (code: number): void => {
    if (exited) return;
    exited = true;
    clearTimeout(deadline);
    dispose();
    exit(code);
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (running === undefined) {
      void controller.shutdown(signal);
      return;
    }
    // An impatient operator (Ctrl-C twice) or an orchestrator that gave up: stop waiting.
    logger.error({ signal, hook: currentHook }, `second ${signal} during shutdown; exiting now (waiting on ${describe(currentHook)})`);
    exitOnce(1);
  };

  async function runHooks(): Promise<void> {
    for (const { name, hook } of [...hooks].reverse()) {
      if (exited) return;
      currentHook = name;
      try {
        await hook();
      } catch (error) {
        // The other hooks still run: a failed consumer disconnect must not keep the pool open.
        logger.error({ err: error, hook: name }, `shutdown hook ${name} failed`);
        controller.exitCode = 1;
      }
    }
    currentHook = undefined;
  }

  const controller: Shutdown = {
    exitCode: 0,
    get signal() {
      return abort.signal;
    },
    get stopping() {
      return running !== undefined;
    },
    register(name, hook) {
      hooks.push({ name, hook });
    },
    shutdown(reason) {
      if (running !== undefined) return running;
      logger.info({ reason }, 'shutting down');
      abort.abort(new Error(`shutting down: ${reason}`));
      // Not unref'd: if the hooks hang on a promise that holds no handle, an unref'd timer would
      // let the process end with 0 and hide the hang.
      deadline = setTimeout(() => {
        logger.error(
          { hook: currentHook, timeoutMs: options.timeoutMs },
          `shutdown did not finish within ${options.timeoutMs} ms; exiting now (waiting on ${describe(currentHook)})`,
        );
        exitOnce(1);
      }, options.timeoutMs);
      running = runHooks().then(() => {
        if (exited) return;
        logger.info({ exitCode: controller.exitCode }, 'shutdown complete');
        exitOnce(controller.exitCode);
      });
      return running;
    },
    fatal(error) {
      // Logged here and nowhere else ("throw once, log once at the top").
      logger.fatal({ err: error }, 'fatal error; shutting down');
      controller.exitCode = 1;
      return controller.shutdown('fatal error');
    },
    dispose,
  };

  for (const signal of signals) source.on(signal, onSignal);
  return controller;
}

function describe(hook: string | undefined): string {
  return hook === undefined ? 'no hook' : `hook ${hook}`;
}
