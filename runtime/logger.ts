// The one way an L3 process gets a logger: pino, JSON lines on stdout, so the platform's log
// collector (not the process) decides where logs go. The level comes from the deployable's
// config.ts; this file never reads process.env.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

export type LoggerOptions = {
  /** The service name, written as `service` on every line. */
  name: string;
  level: LogLevel;
  /** Where the lines go; stdout unless a test wants to read them. */
  destination?: DestinationStream;
};

export type { Logger };

export function createLogger(options: LoggerOptions): Logger {
  // config.ts is meant to reject a bad LOG_LEVEL with the variable's name; this guard catches a
  // caller that skipped it, before pino fails with a less helpful message.
  if (!isLogLevel(options.level)) {
    throw new RangeError(`log level must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(options.level)}`);
  }
  // Synchronous writes: the shutdown path ends in process.exit, and an asynchronous stdout buffer
  // would lose the last lines (the ones that say why the process stopped).
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level: options.level,
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names instead of numbers, so the lines read the same in any collector.
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
    },
    destination,
  );
}

type SerializedError = Record<string, unknown>;

/**
 * pino's `errWithCause` keeps the cause as a nested object (the default serializer flattens it
 * into the message). On top of it: `code` and `retryable` are always kept, even when an error
 * class exposes them as getters (which `for..in` does not see), and a cause that is not an Error
 * (a string, a plain object) is kept as it is rather than dropped.
 */
export function serializeError(error: unknown): unknown {
  return serializeErrorChain(error, new Set());
}

function serializeErrorChain(error: unknown, seen: Set<unknown>): unknown {
  if (typeof error !== 'object' || error === null || typeof (error as { message?: unknown }).message !== 'string') {
    return error;
  }
  const serialized = pino.stdSerializers.errWithCause(error as Error) as unknown as SerializedError;
  seen.add(error);
  const fields = error as { code?: unknown; retryable?: unknown; cause?: unknown };
  if (fields.code !== undefined) serialized.code = fields.code;
  if (fields.retryable !== undefined) serialized.retryable = fields.retryable;
  const cause = fields.cause;
  if (cause !== undefined && !seen.has(cause)) {
    serialized.cause = serializeErrorChain(cause, seen);
  }
  return serialized;
}
