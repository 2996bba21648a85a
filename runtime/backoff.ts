// Retrying transient failures (Postgres or a broker briefly gone) with exponential backoff and
// full jitter: many processors that lost the same database at once must not come back in step.
// ARCHITECTURE §5: transient errors are retried, nothing is skipped; anything else is rethrown
// at once for the caller to dead-letter or stop on.

export type DelayOptions = {
  /** The ceiling of the first delay. */
  initialMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** The ceiling grows by this factor per attempt. */
  factor: number;
  /**
   * How much of the ceiling is randomised: 1 draws the delay uniformly from [0, ceiling) ("full
   * jitter"), 0 always waits the ceiling, 0.5 draws from [ceiling/2, ceiling).
   */
  jitter: number;
};

export type RetryOptions = Partial<DelayOptions> & {
  /** Decides whether an error is worth another attempt; a false answer rethrows it at once. */
  isRetryable: (error: unknown) => boolean;
  /** Attempts in all, the first included; the last error is rethrown after them. */
  maxAttempts?: number;
  /** Aborting stops the retries; the returned promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called before each wait (log it, count it). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
};

export const DEFAULT_DELAY_OPTIONS: Readonly<DelayOptions> = Object.freeze({
  initialMs: 100,
  maxMs: 30_000,
  factor: 2,
  jitter: 1,
});

/**
 * The wait after failed attempt number `attempt` (1-based): a ceiling of
 * min(maxMs, initialMs * factor^(attempt - 1)), of which the `jitter` share is random.
 * See https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ ("Full Jitter").
 */
export function computeDelay(attempt: number, options: Partial<DelayOptions> = {}, random: () => number = Math.random): number {
  const { initialMs, maxMs, factor, jitter } = { ...DEFAULT_DELAY_OPTIONS, ...options };
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // factor^exponent overflows to Infinity after enough attempts; min() turns that into maxMs.
  const ceiling = Math.min(maxMs, initialMs * factor ** exponent);
  const share = Math.min(1, Math.max(0, jitter));
  return Math.round(ceiling * (1 - share * random()));
}

export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T> | T, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? Infinity;
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      // Once aborted, the failure is most likely the shutdown itself (a closed pool): report why
      // we stopped, not what the interrupted attempt saw.
      signal?.throwIfAborted();
      if (!options.isRetryable(error) || attempt >= maxAttempts) throw error;
      const delayMs = computeDelay(attempt, options);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// Node's socket errors that mean "the peer is not there right now" rather than "the request is
// wrong". ENOTFOUND is left out: a misspelt host stays misspelt.
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

// SQLSTATE codes (PostgreSQL Appendix A) that a retry can get past. Class 08 (connection
// exception) is matched by its prefix.
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping (restart, failover)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '57P05', // idle_session_timeout: the server ended an idle session (the relay's lease, ADR 0011)
  '25P03', // idle_in_transaction_session_timeout: likewise, inside a transaction
  '40001', // serialization_failure: the transaction may succeed when run again
  '40P01', // deadlock_detected: one side was chosen as the victim
  '53300', // too_many_connections
]);

// node-postgres reports a lost or unobtainable connection with plain Errors (no code).
const TRANSIENT_PG_MESSAGES = [
  /^Connection terminated/, // unexpectedly; due to connection timeout
  /^timeout expired$/, // connectionTimeoutMillis while connecting
  /^timeout exceeded when trying to connect$/, // pg-pool
  /^Client has encountered a connection error and is not queryable$/,
  /^Query read timeout$/,
];

/**
 * Is this error from node-postgres (or the socket under it) one that retrying can fix? Looks
 * through `cause` chains, so an error of ours that wraps a lost connection counts too.
 */
export function isTransientPostgresError(error: unknown): boolean {
  return someInChain(error, (candidate) => {
    const { code, message } = candidate as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (TRANSIENT_SOCKET_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
      if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    return typeof message === 'string' && TRANSIENT_PG_MESSAGES.some((pattern) => pattern.test(message));
  });
}

// librdkafka error names (RdKafka.CODES.ERRORS) that mean "try again": the broker or coordinator
// is unreachable, moving or slow. The KafkaJS-compatible client reports the number in `code` and
// the name in `type`; KafkaJS itself uses the name without the ERR_ prefix in `type`.
const TRANSIENT_KAFKA_CODES: Record<string, number> = {
  ERR__TRANSPORT: -195,
  ERR__RESOLVE: -193,
  ERR__MSG_TIMED_OUT: -192,
  ERR__ALL_BROKERS_DOWN: -187,
  ERR__TIMED_OUT: -185,
  ERR__QUEUE_FULL: -184,
  ERR__WAIT_COORD: -180,
  ERR__TIMED_OUT_QUEUE: -166,
  ERR_LEADER_NOT_AVAILABLE: 5,
  ERR_NOT_LEADER_FOR_PARTITION: 6,
  ERR_REQUEST_TIMED_OUT: 7,
  ERR_NETWORK_EXCEPTION: 13,
  ERR_COORDINATOR_LOAD_IN_PROGRESS: 14,
  ERR_COORDINATOR_NOT_AVAILABLE: 15,
  ERR_NOT_COORDINATOR: 16,
  ERR_NOT_ENOUGH_REPLICAS: 19,
  ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
};
const TRANSIENT_KAFKA_NUMBERS = new Set(Object.values(TRANSIENT_KAFKA_CODES));
const TRANSIENT_KAFKA_NAMES = new Set(
  Object.keys(TRANSIENT_KAFKA_CODES).flatMap((name) => [name, name.replace(/^ERR_/, '').replace(/^_/, '')]),
);

/**
 * Is this error from the Kafka client one that retrying can fix? Trusts the client's own
 * `retriable`/`isRetriable` flag when it is set, never retries one flagged fatal (a fenced
 * transactional producer stays fenced), and otherwise goes by the error code. Looks through
 * `cause` chains.
 */
export function isTransientKafkaError(error: unknown): boolean {
  const fatal = someInChain(error, (candidate) => {
    const fields = candidate as { fatal?: unknown; isFatal?: unknown };
    return fields.fatal === true || fields.isFatal === true;
  });
  if (fatal) return false;
  return someInChain(error, (candidate) => {
    const fields = candidate as { retriable?: unknown; isRetriable?: unknown; code?: unknown; type?: unknown };
    if (fields.retriable === true || fields.isRetriable === true) return true;
    if (typeof fields.code === 'number' && TRANSIENT_KAFKA_NUMBERS.has(fields.code)) return true;
    if (typeof fields.code === 'string' && TRANSIENT_KAFKA_NAMES.has(fields.code)) return true;
    return typeof fields.type === 'string' && TRANSIENT_KAFKA_NAMES.has(fields.type);
  });
}

function someInChain(error: unknown, test: (candidate: object) => boolean): boolean {
  const seen = new Set<unknown>();
  let current = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    if (test(current)) return true;
    seen.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
