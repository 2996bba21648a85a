import t from 'tap';
import { childTraceparent, newTraceparent, parseTraceparent, traceparentFromHeaders } from '../../runtime/trace-context.ts';

// The example from the specification.
const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const SHAPE = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

t.test('parses the specification example', async (t) => {
  t.same(parseTraceparent(VALID), {
    version: '00',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    parentId: '00f067aa0ba902b7',
    flags: 1,
    sampled: true,
  });
  t.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')?.sampled, false);
  t.equal(parseTraceparent(` \t${VALID}\t `)?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736', 'surrounding whitespace is allowed');
});

t.test('rejects malformed headers', async (t) => {
  const invalid: [string, string | undefined][] = [
    ['uppercase trace id', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['uppercase parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01'],
    ['uppercase flags', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A'],
    ['trace id too short', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['trace id too long', '00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01'],
    ['parent id too short', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01'],
    ['flags one digit', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1'],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['version not hex', 'zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['non-hex character', '00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01'],
    ['wrong separator', '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01'],
    ['empty', ''],
    ['missing', undefined],
  ];
  for (const [name, header] of invalid) t.equal(parseTraceparent(header), undefined, name);
});

t.test('a later version is parsed by its version-00 prefix', async (t) => {
  t.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds')?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  t.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.version, '01');
  t.equal(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.'), undefined, 'must continue with a dash');
});

t.test('newTraceparent makes a valid, sampled header with fresh ids', async (t) => {
  const first = newTraceparent();
  const second = newTraceparent();
  t.match(first, SHAPE);
  t.equal(parseTraceparent(first)?.sampled, true);
  t.not(parseTraceparent(first)?.traceId, parseTraceparent(second)?.traceId);
});

t.test('childTraceparent keeps the trace id and flags with a new parent id', async (t) => {
  const child = childTraceparent(VALID);
  t.match(child, SHAPE);
  const parsed = parseTraceparent(child)!;
  t.equal(parsed.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  t.not(parsed.parentId, '00f067aa0ba902b7');
  t.equal(parsed.sampled, true);
  t.equal(parseTraceparent(childTraceparent(parseTraceparent(VALID)))?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  t.equal(parseTraceparent(childTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'))?.sampled, false);
  t.match(childTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff'), /-03$/, 'undefined flags are cleared');
});

t.test('childTraceparent of a missing or invalid parent starts a new trace', async (t) => {
  t.match(childTraceparent(undefined), SHAPE);
  const restarted = parseTraceparent(childTraceparent('garbage'))!;
  t.ok(restarted);
  t.not(restarted.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
});

t.test('traceparentFromHeaders reads Buffer, string and array header values', async (t) => {
  t.equal(traceparentFromHeaders({ traceparent: Buffer.from(VALID) })?.parentId, '00f067aa0ba902b7');
  t.equal(traceparentFromHeaders({ traceparent: VALID })?.parentId, '00f067aa0ba902b7');
  t.equal(traceparentFromHeaders({ traceparent: [Buffer.from(VALID)] })?.parentId, '00f067aa0ba902b7');
  t.equal(traceparentFromHeaders({ traceparent: [VALID, Buffer.from(VALID)] })?.parentId, '00f067aa0ba902b7', 'a repeated identical value');
  t.equal(traceparentFromHeaders({ Traceparent: VALID })?.parentId, '00f067aa0ba902b7', 'key case does not matter');
  t.equal(traceparentFromHeaders({ traceparent: [VALID, childTraceparent(VALID)] }), undefined, 'conflicting values are invalid');
  t.equal(traceparentFromHeaders({ traceparent: Buffer.from('not a traceparent') }), undefined);
  t.equal(traceparentFromHeaders({ other: VALID }), undefined);
  t.equal(traceparentFromHeaders({ traceparent: null }), undefined);
  t.equal(traceparentFromHeaders(undefined), undefined);
});
