import t from 'tap';
import type { Test } from 'tap';
import { parseAndValidateProperties, validateEmbedding } from '../../processors/materializer/property-validation.ts';
import type { PropertyDataType, PropertyDefinition } from '../../processors/materializer/property-validation.ts';

function only(dataType: PropertyDataType, required = false): PropertyDefinition[] {
  return [{ name: 'value', dataType, required }];
}

// The problems for `{"value": <value>}` against one property of `dataType` ([] when valid).
function problemsFor(dataType: PropertyDataType, value: unknown): string[] {
  const result = parseAndValidateProperties(only(dataType), JSON.stringify({ value }));
  return result.ok ? [] : result.problems.map((p) => p.problem);
}

const accepts = (t: Test, dataType: PropertyDataType, values: unknown[]) => {
  for (const value of values) t.same(problemsFor(dataType, value), [], `${dataType} accepts ${JSON.stringify(value)}`);
};
const refuses = (t: Test, dataType: PropertyDataType, values: unknown[]) => {
  for (const value of values) t.equal(problemsFor(dataType, value).length, 1, `${dataType} refuses ${JSON.stringify(value)}`);
};

t.test('valid properties come back parsed', async (t) => {
  const defs: PropertyDefinition[] = [
    { name: 'serial', dataType: 'STRING', required: true },
    { name: 'stages', dataType: 'INTEGER', required: false },
  ];
  t.same(parseAndValidateProperties(defs, '{"serial":"SN-1","stages":3}'), { ok: true, properties: { serial: 'SN-1', stages: 3 } });
});

t.test('null properties mean an empty object', async (t) => {
  t.same(parseAndValidateProperties(only('STRING'), null), { ok: true, properties: {} });
  t.same(parseAndValidateProperties(only('STRING', true), null), {
    ok: false,
    problems: [{ property: 'value', problem: 'required property missing' }],
  });
});

t.test('the document must be a JSON object', async (t) => {
  for (const json of ['[]', '"text"', '3', 'null', 'true']) {
    const result = parseAndValidateProperties([], json);
    t.equal(result.ok, false, json);
    if (!result.ok) {
      t.equal(result.problems[0]?.property, '$');
      t.match(result.problems[0]?.problem, /^expected a JSON object, got /);
    }
  }
  const broken = parseAndValidateProperties([], '{"a":');
  t.equal(broken.ok, false);
  if (!broken.ok) t.match(broken.problems[0]?.problem, /^not valid JSON: /);
});

t.test('a required property must be present and non-null', async (t) => {
  const defs = only('STRING', true);
  t.same(parseAndValidateProperties(defs, '{}'), { ok: false, problems: [{ property: 'value', problem: 'required property missing' }] });
  t.same(parseAndValidateProperties(defs, '{"value":null}'), {
    ok: false,
    problems: [{ property: 'value', problem: 'required property is null' }],
  });
  t.same(parseAndValidateProperties(defs, '{"value":""}'), { ok: true, properties: { value: '' } });
});

t.test('an optional property may be absent or null, and null is kept', async (t) => {
  t.same(parseAndValidateProperties(only('INTEGER'), '{}'), { ok: true, properties: {} });
  t.same(parseAndValidateProperties(only('INTEGER'), '{"value":null}'), { ok: true, properties: { value: null } });
});

t.test('a property the type does not define is an error naming the type', async (t) => {
  t.same(parseAndValidateProperties(only('STRING'), '{"value":"a","colour":"red"}', 'Pump'), {
    ok: false,
    problems: [{ property: 'colour', problem: 'not defined by type Pump' }],
  });
  t.same(parseAndValidateProperties([], '{"__proto__":1}'), {
    ok: false,
    problems: [{ property: '__proto__', problem: 'not defined by the type' }],
  });
});

t.test('every bad property is reported, not only the first', async (t) => {
  const defs: PropertyDefinition[] = [
    { name: 'serial', dataType: 'STRING', required: true },
    { name: 'stages', dataType: 'INTEGER', required: false },
    { name: 'active', dataType: 'BOOLEAN', required: false },
  ];
  t.same(parseAndValidateProperties(defs, '{"stages":3.5,"active":"yes","extra":1}', 'Pump'), {
    ok: false,
    problems: [
      { property: 'extra', problem: 'not defined by type Pump' },
      { property: 'serial', problem: 'required property missing' },
      { property: 'stages', problem: 'expected INTEGER, got 3.5' },
      { property: 'active', problem: 'expected BOOLEAN, got "yes"' },
    ],
  });
});

t.test('STRING', async (t) => {
  accepts(t, 'STRING', ['', 'text', '東京']);
  refuses(t, 'STRING', [1, true, [], {}]);
});

t.test('INTEGER is a safe integer', async (t) => {
  accepts(t, 'INTEGER', [0, -7, 3.0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);
  refuses(t, 'INTEGER', [3.5, '3', true, []]);
  t.same(problemsFor('INTEGER', 3.5), ['expected INTEGER, got 3.5']);
  const big = parseAndValidateProperties(only('INTEGER'), '{"value":9007199254740993}');
  t.same(big, { ok: false, problems: [{ property: 'value', problem: 'expected INTEGER, got 9007199254740992 (beyond the safe integer range)' }] });
});

t.test('NUMBER is a finite number', async (t) => {
  accepts(t, 'NUMBER', [0, -1.5, 1e300, 3]);
  refuses(t, 'NUMBER', ['1', false, {}]);
  // JSON cannot spell Infinity, but 1e400 parses to it.
  t.same(parseAndValidateProperties(only('NUMBER'), '{"value":1e400}'), {
    ok: false,
    problems: [{ property: 'value', problem: 'expected NUMBER, got Infinity' }],
  });
});

t.test('BOOLEAN', async (t) => {
  accepts(t, 'BOOLEAN', [true, false]);
  refuses(t, 'BOOLEAN', [0, 'true', []]);
});

t.test('TIMESTAMP is an RFC 3339 date-time with an offset', async (t) => {
  accepts(t, 'TIMESTAMP', [
    '2025-03-01T10:00:00Z',
    '2025-03-01T10:00:00.123456Z',
    '2025-03-01T10:00:00+05:30',
    '2025-03-01T10:00:00-08:00',
    '2024-02-29T23:59:59z',
    '2025-03-01t10:00:00Z',
  ]);
  refuses(t, 'TIMESTAMP', [
    '2025-03-01T10:00:00', // no offset
    '2025-03-01 10:00:00Z', // space instead of T
    '2025-03-01',
    '2025-02-30T10:00:00Z', // not a calendar date (Date.parse would roll it over)
    '2023-02-29T10:00:00Z',
    '2025-03-01T24:00:00Z',
    '2025-03-01T10:60:00Z',
    '2025-12-31T23:59:60Z', // a leap second: neither Date nor Postgres represent it
    '2025-03-01T10:00:00+24:00',
    '2025-3-01T10:00:00Z',
    1740736800000,
  ]);
});

t.test('DATE is a calendar date YYYY-MM-DD', async (t) => {
  accepts(t, 'DATE', ['2025-02-28', '2024-02-29', '2000-02-29', '1999-12-31']);
  refuses(t, 'DATE', ['2025-02-30', '2023-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-1-01', '2025-01-01T00:00:00Z', 20250101]);
  t.same(problemsFor('DATE', '2025-02-30'), ['expected DATE, got "2025-02-30"']);
});

t.test('UUID is a canonical UUID of any version, in either case', async (t) => {
  accepts(t, 'UUID', [
    '00000000-0000-0000-0000-000000000000',
    '0190b8f5-7e1c-7c3a-9f0e-1a2b3c4d5e6f',
    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  ]);
  refuses(t, 'UUID', ['a0eebc999c0b4ef8bb6d6bb9bd380a11', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g', 42]);
});

t.test('JSON accepts any value', async (t) => {
  accepts(t, 'JSON', [1, 'a', true, [], { nested: { deep: [1, null] } }]);
});

t.test('array types need an array of items of the item type', async (t) => {
  accepts(t, 'STRING_ARRAY', [[], ['a', 'b']]);
  accepts(t, 'INTEGER_ARRAY', [[], [1, -2, 3]]);
  accepts(t, 'NUMBER_ARRAY', [[], [1.5, -2, 0]]);
  refuses(t, 'STRING_ARRAY', ['a', ['a', 1], [null], {}]);
  refuses(t, 'INTEGER_ARRAY', [[1, 2.5], 1, ['1']]);
  refuses(t, 'NUMBER_ARRAY', [[1, 'x'], [true]]);
  t.same(problemsFor('INTEGER_ARRAY', [1, 2, 3.5]), ['expected INTEGER_ARRAY, item 2 is 3.5']);
  t.same(problemsFor('STRING_ARRAY', 'a'), ['expected STRING_ARRAY, got "a"']);
});

t.test('an embedding needs the column dimension and finite float4 components', async (t) => {
  t.equal(validateEmbedding(null), undefined, 'no embedding is fine');
  t.equal(validateEmbedding(new Array<number>(384).fill(0.5)), undefined);
  t.equal(validateEmbedding([1, 2, 3], 3), undefined);
  t.equal(validateEmbedding([1, 2]), 'expected 384 dimensions, got 2');
  t.equal(validateEmbedding([]), 'expected 384 dimensions, got 0');
  const withNaN = new Array<number>(384).fill(0);
  withNaN[7] = Number.NaN;
  t.equal(validateEmbedding(withNaN), 'component 7 is not a finite float4: NaN');
  t.equal(validateEmbedding([1, Number.POSITIVE_INFINITY], 2), 'component 1 is not a finite float4: Infinity');
  t.equal(validateEmbedding([1e39], 1), 'component 0 is not a finite float4: 1e+39', 'beyond float4 range');
});
