// Proposal parameters against the tool's JSON Schema (draft 2020-12, strict, standard formats),
// with messages that name the parameter, and compiled validators reused across proposals.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseOntology } from '../../ontology/parse-ontology.ts';
import type { OntologyFile } from '../../ontology/ontology-file.ts';
import { validateParameters } from '../../processors/governance/parameters.ts';

const demo = parseOntology(readFileSync(new URL('../../examples/ontology/demo.yaml', import.meta.url), 'utf8')).value as OntologyFile;
const schemaOf = (name: string): Record<string, unknown> => ({ ...demo.tools!.find((tool) => tool.name === name)!.parametersSchema });

t.test('valid parameters pass', async (t) => {
  t.same(validateParameters(schemaOf('set_pump_status'), { status: 'stopped' }), { ok: true });
  t.same(
    validateParameters(schemaOf('schedule_maintenance'), { workOrderId: 'WO-104233', title: 'Bearing check', kind: 'inspection', priority: 2, scheduledFor: '2026-03-01' }),
    { ok: true },
  );
});

t.test('every problem is reported, each naming the parameter', async (t) => {
  const result = validateParameters(schemaOf('schedule_maintenance'), { workOrderId: 'WO-1', title: 'ok', kind: 'overhaul', priority: 9, scheduledFor: '2026-02-30', extra: true });
  t.same(result, {
    ok: false,
    errors: [
      'parameters must not have the property "extra"',
      'parameters/workOrderId must match pattern "^WO-[0-9]{4,10}$"',
      'parameters/title must NOT have fewer than 3 characters',
      'parameters/kind must be one of "inspection", "preventive", "repair"',
      'parameters/priority must be <= 5',
      'parameters/scheduledFor must match format "date"',
    ],
  });
});

t.test('missing required parameters and a non-object are refused', async (t) => {
  t.same(validateParameters(schemaOf('set_pump_status'), {}), { ok: false, errors: ["parameters must have required property 'status'"] });
  t.same(validateParameters(schemaOf('set_pump_status'), ['stopped']), { ok: false, errors: ['parameters must be object'] });
});

t.test('const and nested paths are spelled out', async (t) => {
  const schema = { type: 'object', properties: { mode: { const: 'dry-run' }, window: { type: 'object', properties: { hours: { type: 'integer' } } } } };
  t.same(validateParameters(schema, { mode: 'live', window: { hours: 1.5 } }), {
    ok: false,
    errors: ['parameters/mode must be "dry-run"', 'parameters/window/hours must be integer'],
  });
});

t.test('the validator is compiled once per schema, by identity and by content', async (t) => {
  // A schema whose `$id` would clash inside one shared ajv instance: each schema gets its own,
  // so the same $id with different content must not be confused either.
  const first = { $id: 'https://example.test/params', type: 'object', properties: { n: { type: 'integer' } } };
  const second = { $id: 'https://example.test/params', type: 'object', properties: { n: { type: 'string' } } };
  t.same(validateParameters(first, { n: 1 }), { ok: true });
  t.same(validateParameters(second, { n: 'one' }), { ok: true });
  t.same(validateParameters(second, { n: 1 }), { ok: false, errors: ['parameters/n must be string'] });
  t.same(validateParameters(structuredClone(first), { n: 'x' }), { ok: false, errors: ['parameters/n must be integer'] }, 'an equal schema read again');
  // The same content with keys in another order (as jsonb returns them) is the same schema.
  const reordered = { properties: { n: { type: 'integer' } }, type: 'object', $id: 'https://example.test/params' };
  t.same(validateParameters(reordered, { n: 2 }), { ok: true });
});

t.test('a cached validator does not read the schema again', async (t) => {
  // A schema that counts how often its `properties` are read: compiling reads them, computing
  // the cache key (canonical JSON) reads them once, a cache hit by identity not at all.
  const counting = () => {
    const counter = { reads: 0 };
    const schema = { type: 'object', required: ['n'] } as Record<string, unknown>;
    Object.defineProperty(schema, 'properties', { enumerable: true, get: () => (counter.reads++, { n: { type: 'integer', maximum: 7 } }) });
    return { schema, counter };
  };
  const { schema, counter } = counting();
  t.same(validateParameters(schema, { n: 8 }), { ok: false, errors: ['parameters/n must be <= 7'] });
  t.ok(counter.reads > 1, 'the first use compiles');
  counter.reads = 0;
  t.same(validateParameters(schema, { n: 7 }), { ok: true });
  t.equal(counter.reads, 0, 'the same object: found by identity');
  const copy = counting();
  t.same(validateParameters(copy.schema, { n: 7 }), { ok: true });
  t.equal(copy.counter.reads, 1, 'an equal object: read once for its canonical text, not compiled');
});

t.test('a schema that does not compile refuses every proposal with a message, without throwing', async (t) => {
  const result = validateParameters({ type: 'object', properties: { n: { type: 'integer', minimun: 1 } } }, { n: 1 });
  t.equal(result.ok, false);
  t.match(result.ok ? [] : result.errors, [/^the tool's parametersSchema does not compile: strict mode: unknown keyword: "minimun"/]);
});
