import { EventEmitter } from 'node:events';
import t from 'tap';
import { createLogger } from '../../runtime/logger.ts';
import { onShutdown } from '../../runtime/shutdown.ts';
import type { ShutdownOptions } from '../../runtime/shutdown.ts';

type Line = Record<string, unknown>;

// A shutdown wired to fakes: signals come from an EventEmitter, exit() records the code instead of
// ending the test process, and the log lines are kept for inspection.
function setup(options: Partial<ShutdownOptions> = {}) {
  const lines: Line[] = [];
  const logger = createLogger({
    name: 'test-processor',
    level: 'info',
    destination: { write: (text: string) => void lines.push(JSON.parse(text) as Line) },
  });
  const signals = new EventEmitter();
  const codes: number[] = [];
  let exited!: (code: number) => void;
  const exitCalled = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const shutdown = onShutdown(logger, {
    timeoutMs: 10_000,
    signalSource: signals,
    exit: (code) => {
      codes.push(code);
      exited(code);
    },
    ...options,
  });
  return { shutdown, signals, codes, exitCalled, lines };
}

t.test('on SIGTERM the hooks run last-registered first, each awaited, then exit 0', async (t) => {
  const { shutdown, signals, codes, exitCalled } = setup();
  const order: string[] = [];
  shutdown.register('postgres pool', () => {
    order.push('postgres pool');
  });
  shutdown.register('health server', async () => {
    await Promise.resolve();
    order.push('health server');
  });
  shutdown.register('consumer', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    order.push('consumer');
  });
  t.equal(shutdown.signal.aborted, false);
  signals.emit('SIGTERM', 'SIGTERM');
  t.equal(shutdown.stopping, true);
  t.equal(shutdown.signal.aborted, true, 'retry loops are told at once');
  t.equal(await exitCalled, 0);
  t.same(order, ['consumer', 'health server', 'postgres pool']);
  t.same(codes, [0]);
  t.equal(signals.listenerCount('SIGTERM'), 0, 'handlers are removed on exit');
});

t.test('a hook that hangs past the timeout forces exit 1 and the log names it', async (t) => {
  const { shutdown, codes, exitCalled, lines } = setup({ timeoutMs: 20 });
  let poolClosed = false;
  shutdown.register('postgres pool', () => {
    poolClosed = true;
  });
  shutdown.register('consumer', () => new Promise(() => {}));
  void shutdown.shutdown('test');
  t.equal(await exitCalled, 1);
  t.same(codes, [1]);
  t.equal(poolClosed, false, 'later hooks do not run after the forced exit');
  const line = lines.find((entry) => entry.hook === 'consumer' && entry.level === 'error');
  t.ok(line, 'an error line names the hook');
  t.match(line?.msg, /consumer/);
});

t.test('a second signal during shutdown forces exit 1', async (t) => {
  const { shutdown, signals, codes, exitCalled, lines } = setup();
  shutdown.register('consumer', () => new Promise(() => {}));
  signals.emit('SIGINT', 'SIGINT');
  signals.emit('SIGINT', 'SIGINT');
  t.equal(await exitCalled, 1);
  t.same(codes, [1]);
  t.ok(lines.some((entry) => entry.level === 'error' && entry.hook === 'consumer'));
});

t.test('fatal() logs the error once, runs the hooks and exits 1', async (t) => {
  const { shutdown, codes, exitCalled, lines } = setup();
  const order: string[] = [];
  shutdown.register('postgres pool', () => void order.push('postgres pool'));
  shutdown.register('consumer', () => void order.push('consumer'));
  const error = Object.assign(new Error('schema registry rejected the subject'), { code: 'REGISTRY' });
  await shutdown.fatal(error);
  t.equal(await exitCalled, 1);
  t.same(codes, [1]);
  t.same(order, ['consumer', 'postgres pool']);
  const fatalLines = lines.filter((entry) => entry.level === 'fatal');
  t.equal(fatalLines.length, 1);
  t.equal((fatalLines[0]!.err as Line).code, 'REGISTRY');
});

t.test('a failing hook is logged, the rest still run, and the exit code is 1', async (t) => {
  const { shutdown, codes, exitCalled, lines } = setup();
  let poolClosed = false;
  shutdown.register('postgres pool', () => {
    poolClosed = true;
  });
  shutdown.register('consumer', () => {
    throw new Error('disconnect failed');
  });
  await shutdown.shutdown('test');
  t.equal(await exitCalled, 1);
  t.same(codes, [1]);
  t.equal(poolClosed, true);
  t.ok(lines.some((entry) => entry.hook === 'consumer' && (entry.err as Line | undefined)?.message === 'disconnect failed'));
});

t.test('shutdown is idempotent and honours a set exit code', async (t) => {
  const { shutdown, codes, exitCalled } = setup();
  let runs = 0;
  shutdown.register('consumer', () => void runs++);
  shutdown.exitCode = 3;
  const first = shutdown.shutdown('first');
  const second = shutdown.shutdown('second');
  await Promise.all([first, second]);
  t.equal(await exitCalled, 3);
  t.same(codes, [3]);
  t.equal(runs, 1);
});

t.test('dispose() removes the signal handlers without exiting', async (t) => {
  const { shutdown, signals, codes } = setup();
  t.equal(signals.listenerCount('SIGTERM'), 1);
  t.equal(signals.listenerCount('SIGINT'), 1);
  shutdown.dispose();
  t.equal(signals.listenerCount('SIGTERM'), 0);
  t.equal(signals.listenerCount('SIGINT'), 0);
  t.same(codes, []);
});
