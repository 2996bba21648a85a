import t from 'tap';
import { createLogger } from '../../runtime/logger.ts';

type Line = Record<string, unknown>;

function captured(): { lines: Line[]; write(text: string): void } {
  const lines: Line[] = [];
  return {
    lines,
    write(text: string) {
      for (const line of text.split('\n').filter((part) => part !== '')) lines.push(JSON.parse(line) as Line);
    },
  };
}

class CodedError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.retryable = options.retryable;
  }
}

// An error class whose code is a getter: for..in does not see it, the serializer must.
class GetterError extends Error {
  get code(): string {
    return 'GETTER_CODE';
  }
}

t.test('writes one JSON line per entry with service, level name and an ISO timestamp', async (t) => {
  const out = captured();
  const logger = createLogger({ name: 'materializer', level: 'info', destination: out });
  logger.info({ topic: 'l2.ontology.objects.v1' }, 'batch applied');
  logger.debug('not written at info');
  t.equal(out.lines.length, 1);
  const line = out.lines[0]!;
  t.equal(line.service, 'materializer');
  t.equal(line.level, 'info');
  t.equal(line.msg, 'batch applied');
  t.equal(line.topic, 'l2.ontology.objects.v1');
  t.match(line.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  t.equal(new Date(line.time as string).toISOString(), line.time);
});

t.test('keeps the error code, retryable flag and the whole cause chain', async (t) => {
  const out = captured();
  const logger = createLogger({ name: 'materializer', level: 'info', destination: out });
  const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
  const error = new CodedError('DATABASE_UNAVAILABLE', 'cannot apply batch', { retryable: true, cause: socket });
  logger.error({ err: error }, 'batch failed');
  const err = out.lines[0]!.err as Line;
  t.equal(err.type, 'CodedError');
  t.equal(err.message, 'cannot apply batch');
  t.equal(err.code, 'DATABASE_UNAVAILABLE');
  t.equal(err.retryable, true);
  t.type(err.stack, 'string');
  const cause = err.cause as Line;
  t.equal(cause.message, 'connect ECONNREFUSED 127.0.0.1:55432');
  t.equal(cause.code, 'ECONNREFUSED');
});

t.test('keeps a code exposed as a getter and a cause that is not an Error', async (t) => {
  const out = captured();
  const logger = createLogger({ name: 'materializer', level: 'info', destination: out });
  logger.error({ err: new GetterError('boom', { cause: 'socket closed' }) }, 'failed');
  const err = out.lines[0]!.err as Line;
  t.equal(err.code, 'GETTER_CODE');
  t.equal(err.cause, 'socket closed');
});

t.test('an error passed as the only argument is serialized the same way', async (t) => {
  const out = captured();
  const logger = createLogger({ name: 'materializer', level: 'info', destination: out });
  logger.error(new CodedError('FENCED', 'partition moved', { retryable: false }));
  const line = out.lines[0]!;
  t.equal(line.msg, 'partition moved');
  t.equal((line.err as Line).code, 'FENCED');
  t.equal((line.err as Line).retryable, false);
});

t.test('a cause cycle does not loop', async (t) => {
  const out = captured();
  const logger = createLogger({ name: 'materializer', level: 'info', destination: out });
  const first = new Error('first');
  const second = new Error('second', { cause: first });
  Object.defineProperty(first, 'cause', { value: second });
  logger.error({ err: first }, 'cycle');
  t.equal(((out.lines[0]!.err as Line).cause as Line).message, 'second');
});

t.test('silent writes nothing; an unknown level is refused', async (t) => {
  const out = captured();
  createLogger({ name: 'materializer', level: 'silent', destination: out }).fatal('nothing');
  t.equal(out.lines.length, 0);
  t.throws(() => createLogger({ name: 'materializer', level: 'verbose' as 'info', destination: out }), RangeError);
});
