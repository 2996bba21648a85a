import t from 'tap';
import { computeDelay, isTransientKafkaError, isTransientPostgresError, retryWithBackoff } from '../../runtime/backoff.ts';

const always = (value: number) => () => value;
// Delays short enough that the retry tests do not wait noticeably; the tests never time them.
const quick = { initialMs: 1, maxMs: 4, factor: 2 };

t.test('computeDelay: the ceiling grows by the factor and stops at maxMs', async (t) => {
  const options = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 1 };
  // random() close to 0 gives the whole ceiling under full jitter.
  const ceilings = [1, 2, 3, 4, 5, 6, 50, 5_000].map((attempt) => computeDelay(attempt, options, always(0)));
  t.same(ceilings, [100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]);
});

t.test('computeDelay: full jitter draws from [0, ceiling]', async (t) => {
  const options = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 1 };
  t.equal(computeDelay(3, options, always(0.999_999)), 0);
  t.equal(computeDelay(3, options, always(0.5)), 200);
  for (let attempt = 1; attempt <= 20; attempt++) {
    const delay = computeDelay(attempt, options);
    t.ok(delay >= 0 && delay <= Math.min(1_000, 100 * 2 ** (attempt - 1)), `attempt ${attempt}: ${delay} within bounds`);
  }
});

t.test('computeDelay: no jitter waits the ceiling, half jitter the upper half', async (t) => {
  t.equal(computeDelay(2, { initialMs: 100, maxMs: 1_000, factor: 3, jitter: 0 }, Math.random), 300);
  t.equal(computeDelay(2, { initialMs: 100, maxMs: 1_000, factor: 3, jitter: 0.5 }, always(0.999_999)), 150);
});

t.test('retryWithBackoff returns the result after transient failures, calling onRetry before each wait', async (t) => {
  const retries: [string, number, number][] = [];
  const result = await retryWithBackoff(
    async (attempt) => {
      if (attempt < 3) throw Object.assign(new Error(`refused ${attempt}`), { code: 'ECONNREFUSED' });
      return 'applied';
    },
    {
      ...quick,
      isRetryable: isTransientPostgresError,
      onRetry: (error, attempt, delayMs) => retries.push([(error as Error).message, attempt, delayMs]),
    },
  );
  t.equal(result, 'applied');
  t.same(
    retries.map(([message, attempt]) => [message, attempt]),
    [
      ['refused 1', 1],
      ['refused 2', 2],
    ],
  );
  t.ok(retries.every(([, attempt, delayMs]) => delayMs >= 0 && delayMs <= 2 ** (attempt - 1)));
});

t.test('retryWithBackoff rethrows a non-retryable error at once', async (t) => {
  let attempts = 0;
  const invalid = Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });
  await t.rejects(
    retryWithBackoff(
      async () => {
        attempts++;
        throw invalid;
      },
      { ...quick, isRetryable: isTransientPostgresError, onRetry: () => t.fail('must not retry') },
    ),
    invalid,
  );
  t.equal(attempts, 1);
});

t.test('retryWithBackoff gives up after maxAttempts with the last error', async (t) => {
  let attempts = 0;
  await t.rejects(
    retryWithBackoff(
      async () => {
        attempts++;
        throw new Error(`attempt ${attempts}`);
      },
      { ...quick, maxAttempts: 3, isRetryable: () => true },
    ),
    { message: 'attempt 3' },
  );
  t.equal(attempts, 3);
});

t.test('aborting stops the retries and rejects with the abort reason', async (t) => {
  const controller = new AbortController();
  const reason = new Error('shutting down: SIGTERM');
  let attempts = 0;
  const retrying = retryWithBackoff(
    async () => {
      attempts++;
      throw Object.assign(new Error('Connection terminated unexpectedly'), {});
    },
    {
      // A long wait, so the abort lands while the loop is sleeping.
      initialMs: 60_000,
      maxMs: 60_000,
      jitter: 0,
      signal: controller.signal,
      isRetryable: isTransientPostgresError,
      onRetry: () => controller.abort(reason),
    },
  );
  await t.rejects(retrying, reason);
  t.equal(attempts, 1);
});

t.test('an already aborted signal runs nothing', async (t) => {
  const controller = new AbortController();
  controller.abort(new Error('stopped'));
  let ran = false;
  await t.rejects(
    retryWithBackoff(
      async () => {
        ran = true;
      },
      { isRetryable: () => true, signal: controller.signal },
    ),
    { message: 'stopped' },
  );
  t.equal(ran, false);
});

t.test('isTransientPostgresError', async (t) => {
  const pgError = (code: string, message = 'server error') => Object.assign(new Error(message), { code, severity: 'FATAL' });
  const transient: [string, unknown][] = [
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' })],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['admin_shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['crash_shutdown', pgError('57P02')],
    ['cannot_connect_now', pgError('57P03', 'the database system is starting up')],
    ['connection_failure', pgError('08006')],
    ['sqlclient_unable_to_establish_sqlconnection', pgError('08001')],
    ['serialization_failure', pgError('40001')],
    ['deadlock_detected', pgError('40P01')],
    ['too_many_connections', pgError('53300')],
    ['idle_session_timeout', pgError('57P05', 'terminating connection due to idle-session timeout')],
    ['idle_in_transaction_session_timeout', pgError('25P03', 'terminating connection due to idle-in-transaction timeout')],
    ['wrapped in our error', new Error('cannot apply batch', { cause: pgError('57P01') })],
  ];
  for (const [name, error] of transient) t.equal(isTransientPostgresError(error), true, `${name} is transient`);

  const permanent: [string, unknown][] = [
    ['unique_violation', pgError('23505')],
    ['invalid_text_representation', pgError('22P02')],
    ['undefined_table', pgError('42P01')],
    ['insufficient_privilege', pgError('42501')],
    ['host not found', Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' })],
    ['plain error', new Error('bug')],
    ['not an error', 'ECONNREFUSED'],
    ['undefined', undefined],
  ];
  for (const [name, error] of permanent) t.equal(isTransientPostgresError(error), false, `${name} is not transient`);
});

t.test('isTransientKafkaError', async (t) => {
  // Shaped like @confluentinc/kafka-javascript's KafkaJSError: numeric librdkafka code, its name
  // in `type`, and `retriable` (often false even when a retry would help).
  const kafkaJs = (code: number, type: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(type), { name: 'KafkaJSError', code, type, retriable: false, fatal: false, abortable: false, ...extra });
  const transient: [string, unknown][] = [
    ['retriable flag', kafkaJs(-1, 'ERR_UNKNOWN', { retriable: true })],
    ['librdkafka isRetriable', Object.assign(new Error('broker: not enough replicas'), { code: 99, isRetriable: true })],
    ['transport', kafkaJs(-195, 'ERR__TRANSPORT')],
    ['all brokers down', kafkaJs(-187, 'ERR__ALL_BROKERS_DOWN')],
    ['local timeout', kafkaJs(-185, 'ERR__TIMED_OUT')],
    ['request timed out', kafkaJs(7, 'ERR_REQUEST_TIMED_OUT')],
    ['not coordinator', kafkaJs(16, 'ERR_NOT_COORDINATOR')],
    ['coordinator not available', kafkaJs(15, 'ERR_COORDINATOR_NOT_AVAILABLE')],
    ['message timed out', kafkaJs(-192, 'ERR__MSG_TIMED_OUT')],
    ['LibrdKafkaError (code only)', Object.assign(new Error('local: broker transport failure'), { code: -195, errno: -195, origin: 'local' })],
    ['KafkaJS type without prefix', Object.assign(new Error('request timed out'), { type: 'REQUEST_TIMED_OUT' })],
    ['wrapped in our error', new Error('publish failed', { cause: kafkaJs(-195, 'ERR__TRANSPORT') })],
  ];
  for (const [name, error] of transient) t.equal(isTransientKafkaError(error), true, `${name} is transient`);

  const permanent: [string, unknown][] = [
    ['fenced producer (fatal)', kafkaJs(-144, 'ERR__FENCED', { fatal: true })],
    ['fatal even if flagged retriable', kafkaJs(-195, 'ERR__TRANSPORT', { fatal: true, retriable: true })],
    ['topic authorization failed', kafkaJs(29, 'ERR_TOPIC_AUTHORIZATION_FAILED')],
    ['message too large', kafkaJs(10, 'ERR_MSG_SIZE_TOO_LARGE')],
    ['unknown topic', kafkaJs(3, 'ERR_UNKNOWN_TOPIC_OR_PART')],
    ['plain error', new Error('bug')],
    ['null', null],
  ];
  for (const [name, error] of permanent) t.equal(isTransientKafkaError(error), false, `${name} is not transient`);
});
